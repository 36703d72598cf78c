#!/usr/bin/env node
// Builds build/ from lib/, imports/ and crds/: one esbuild bundle per entry point (no
// type-checking here, so synth stays fast; `npm test` runs `tsc --noEmit`), then the CRD
// validators. A bundle holds exactly what its entry imports today, and everything else in build/
// is removed, so no output of a deleted or renamed source can linger.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const out = path.join(root, 'build');
const crds = path.join(root, 'crds');
const validators = path.join(out, 'validators');
const META = path.join(out, 'inputs.json');

/** Output (relative to build/) → entry point. */
const ENTRIES = {
  'pgfleet.js': 'lib/cli/main.ts',
  'pulumi.js': 'lib/pulumi/main.ts',
  'bench.js': 'scripts/bench.ts',
  'compile-validators.js': 'scripts/compile-validators.ts',
  'validators/validator-runtime.js': 'lib/outputs/validate/validator-runtime.ts',
};

// Loaded at run time from node_modules: the Pulumi SDK and provider (plugins, gRPC) and re2-wasm
// (its .wasm file sits beside it).
const EXTERNAL = ['@pulumi/*', 're2-wasm'];

function mtime(p) {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return undefined;
  }
}

/** True when every bundle exists and is newer than every source it was built from. */
function bundlesFresh() {
  let meta;
  try {
    meta = JSON.parse(fs.readFileSync(META, 'utf8'));
  } catch {
    return false;
  }
  const built = Math.min(...Object.keys(ENTRIES).map((f) => mtime(path.join(out, f)) ?? -Infinity));
  if (JSON.stringify(Object.keys(meta.entries ?? {}).sort()) !== JSON.stringify(Object.keys(ENTRIES).sort())) return false;
  return [...meta.inputs, 'scripts/build.js', 'package-lock.json'].every((f) => {
    const t = mtime(path.join(root, f));
    return t !== undefined && t <= built;
  });
}

/** True when the validators were compiled from exactly the CRD files there are now, by the current compiler. */
function validatorsFresh() {
  let index;
  try {
    index = JSON.parse(fs.readFileSync(path.join(validators, 'index.json'), 'utf8'));
  } catch {
    return false;
  }
  const names = fs.readdirSync(crds).filter((f) => /\.(ya?ml|json)$/i.test(f));
  if (names.length !== Object.keys(index.crds).length) return false;
  const compiled = mtime(path.join(validators, 'index.json'));
  if ((mtime(path.join(out, 'compile-validators.js')) ?? Infinity) > compiled) return false;
  return names.every((n) => {
    const s = fs.statSync(path.join(crds, n));
    return index.crds[n] && index.crds[n].size === s.size && index.crds[n].mtimeMs === s.mtimeMs;
  });
}

function bundle() {
  const esbuild = require('esbuild');
  const result = esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([o, e]) => [o.replace(/\.js$/, ''), e])),
    outdir: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: EXTERNAL,
    metafile: true,
    logLevel: 'error',
    // Shell scripts the rendered Jobs run live as lib/**/*.sh and are imported as text (see
    // lib/text-imports.d.ts); jest loads them the same way (scripts/jest-text-transform.js).
    loader: { '.sh': 'text' },
    // No keepNames: its helper runs on every closure created and cost 10% of a large synth.
  });
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/'));
  // Everything in build/ that this build did not write goes (outputs of an older layout).
  const keep = new Set([...Object.keys(ENTRIES), 'inputs.json', 'validators', '.code-cache']);
  for (const f of fs.readdirSync(out)) if (!keep.has(f)) fs.rmSync(path.join(out, f), { recursive: true, force: true });
  fs.writeFileSync(META, `${JSON.stringify({ entries: ENTRIES, inputs: inputs.sort() }, null, 2)}\n`);
}

/** Brings build/ up to date; returns what it did. */
function build({ force = false } = {}) {
  const did = [];
  fs.mkdirSync(validators, { recursive: true });
  if (force || !bundlesFresh()) {
    bundle();
    did.push('bundles');
  }
  if (force || !validatorsFresh()) {
    execFileSync(process.execPath, [path.join(out, 'compile-validators.js'), crds, validators], { stdio: ['ignore', 'ignore', 'inherit'] });
    did.push('validators');
  }
  return did;
}

module.exports = { build };
if (require.main === module) {
  const did = build({ force: process.argv.includes('--force') });
  if (process.argv.includes('--verbose')) console.log(did.length ? `built ${did.join(' and ')}` : 'build/ is up to date');
}
