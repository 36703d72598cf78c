#!/usr/bin/env node
// Transpiles lib/, imports/ and scripts/ to build/ with swc: no type-checking here, so synth stays
// fast; `npm test` runs `tsc --noEmit` over everything instead. Incremental by modification time.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const out = path.join(root, 'build');
const options = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
  sourceMaps: false,
};

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Compiles the sources newer than their output; returns how many. */
function build() {
  let swc;
  let compiled = 0;
  const sources = ['lib', 'imports', 'scripts'].map((d) => path.join(root, d)).filter((p) => fs.existsSync(p));
  for (const src of sources.flatMap(walk)) {
    const dest = path.join(out, path.relative(root, src)).replace(/\.ts$/, '.js');
    if (fs.existsSync(dest) && fs.statSync(dest).mtimeMs >= fs.statSync(src).mtimeMs) continue;
    swc ??= require('@swc/core');
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, swc.transformFileSync(src, options).code);
    compiled++;
  }
  return compiled;
}

module.exports = { build };
if (require.main === module) build();
