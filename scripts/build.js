#!/usr/bin/env node
// Transpiles lib/, imports/ and scripts/ to build/ with swc: no type-checking here, so synth stays
// fast; `npm test` runs `tsc --noEmit` over everything instead.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

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

const sources = ['lib', 'imports', 'scripts', 'index.ts'].map((d) => path.join(root, d)).filter((p) => fs.existsSync(p));
for (const src of sources.flatMap((s) => (fs.statSync(s).isDirectory() ? walk(s) : [s]))) {
  const dest = path.join(out, path.relative(root, src)).replace(/\.ts$/, '.js');
  const srcStat = fs.statSync(src);
  if (fs.existsSync(dest) && fs.statSync(dest).mtimeMs >= srcStat.mtimeMs) continue;
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.writeFileSync(dest, swc.transformFileSync(src, options).code);
}
