#!/usr/bin/env node
// Regenerates imports/ from the CRDs pinned in cdk8s.yaml. The generated modules are committed and
// never edited by hand; run this after changing a pin.
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
execFileSync(path.join(root, 'node_modules', '.bin', 'cdk8s'), ['import', '--language', 'typescript', '--output', 'imports'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
});
