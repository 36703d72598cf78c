#!/usr/bin/env node
// `npm run fetch-upstream`: the pinned upstream code pgfleet's rendered objects are run by
// (backup-container, blackbox, the cas-postgres Patroni chart, Spilo, the sclorg PostgreSQL image
// scripts), cloned at the pinned revisions into .cache/upstream/<name>/, so the conformance tests
// run the real thing on a machine with internet access. Each copy keeps its upstream LICENSE.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const cache = path.join(root, '.cache', 'upstream');

/** name → repository, pinned commit, and the paths kept (relative to the repository root). */
const PINS = {
  'backup-container-2.3.3': {
    repo: 'BCDevOps/backup-container',
    commit: 'd2c8909dc179e959bb52f9058fc0f7a26539e33a',
    keep: ['docker', 'README.md', 'LICENSE'],
  },
  'backup-container-2.13.0': {
    repo: 'BCDevOps/backup-container',
    commit: '00b48138cd3926e421fa31399fef08c84eca817b',
    keep: ['docker', 'README.md', 'LICENSE'],
  },
  'blackbox-3.0.2': {
    repo: 'lemonsaurus/blackbox',
    commit: '5099b41c09d331a1494c5b01e412af6426e5bd89',
    keep: ['blackbox', 'pyproject.toml', 'README.md', 'LICENSE', 'blackbox.example.yaml'],
  },
  'cas-postgres-patroni-chart-0.21.4': {
    repo: 'bcgov/cas-postgres',
    commit: 'c8864c488f5bf9b41a5ed5387a8316a5b0a31036',
    keep: ['helm/patroni', 'LICENSE'],
    move: { 'helm/patroni': 'patroni' },
  },
  'sclorg-postgresql-container-804ef01': {
    repo: 'sclorg/postgresql-container',
    commit: '804ef01cffd85ce5000ecb8730a49ab2df385477',
    keep: ['src/root/usr', 'LICENSE'],
  },
  'spilo-2.1-p2': {
    repo: 'zalando/spilo',
    commit: '03ef738f08ff8e64ef54cbe15ec4217e15a4de8e',
    keep: [
      'postgres-appliance/scripts',
      'postgres-appliance/bootstrap',
      'postgres-appliance/launch.sh',
      'postgres-appliance/Dockerfile',
      'ENVIRONMENT.rst',
      'LICENSE',
    ],
  },
};

/** The chart's subcharts are not in git; pgfleet's values disable them, so empty stand-ins let `helm template` run offline. */
function standInSubcharts(chartDir) {
  for (const [name, version] of [
    ['etcd', '0.6.2'],
    ['zookeeper', '1.0.0'],
    ['consul', '3.6.1'],
  ]) {
    const dir = path.join(chartDir, 'charts', name);
    fs.mkdirSync(path.join(dir, 'templates'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'Chart.yaml'), `apiVersion: v1\nname: ${name}\nversion: ${version}\n`);
    fs.writeFileSync(path.join(dir, 'templates', 'x.yaml'), `{{ fail "stub subchart ${name} rendered: it should be disabled" }}\n`);
  }
}

function fetchOne(name, pin) {
  const dest = path.join(cache, name);
  if (fs.existsSync(path.join(dest, '.pinned')) && fs.readFileSync(path.join(dest, '.pinned'), 'utf8').trim() === pin.commit) return false;
  const tmp = fs.mkdtempSync(path.join(cache, `.${name}-`));
  const git = (...args) => execFileSync('git', args, { cwd: tmp, stdio: ['ignore', 'ignore', 'inherit'] });
  git('init', '-q');
  git('fetch', '-q', '--depth', '1', `https://github.com/${pin.repo}.git`, pin.commit);
  git('checkout', '-q', 'FETCH_HEAD');
  fs.rmSync(dest, { recursive: true, force: true });
  for (const p of pin.keep) {
    const target = path.join(dest, (pin.move ?? {})[p] ?? p);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.cpSync(path.join(tmp, p), target, { recursive: true });
  }
  if (name.startsWith('cas-postgres-patroni-chart')) standInSubcharts(path.join(dest, 'patroni'));
  fs.writeFileSync(path.join(dest, '.pinned'), `${pin.commit}\n`);
  fs.rmSync(tmp, { recursive: true, force: true });
  return true;
}

fs.mkdirSync(cache, { recursive: true });
for (const [name, pin] of Object.entries(PINS)) {
  try {
    console.log(`${name}: ${fetchOne(name, pin) ? 'fetched' : 'up to date'} (${pin.repo}@${pin.commit.slice(0, 7)})`);
  } catch (e) {
    console.error(
      `${name}: cannot fetch ${pin.repo}@${pin.commit.slice(0, 7)} (${e.message.split('\n')[0]}); the tests that need it will say so and skip`,
    );
    process.exitCode = 1;
  }
}
