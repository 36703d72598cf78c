/**
 * What synth may touch, on every path to it: the stack name cannot steer a write or a delete out
 * of `<out>/<stack>/`, damaged input is a clear error with nothing written, the gate refuses
 * unacknowledged dangerous changes as `pgfleet diff` does, and `cdk8s synth` (the real CLI) never
 * loses the state.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { git, ROOT, runPgfleet, tempDir } from '../helpers';

const CDK8S = path.join(ROOT, 'node_modules/.bin/cdk8s');
const STACK = fs.readFileSync(path.join(ROOT, 'stacks/Pulumi.indigo-prod.yaml'), 'utf8');

const run = (cwd: string, ...args: string[]) => runPgfleet(cwd, args);

/** Every file below `dir` with its content. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** A project folder with files a stray delete would take. */
function project(): string {
  const dir = tempDir('pgfleet-safety-');
  fs.mkdirSync(path.join(dir, 'stacks'));
  for (const f of ['package.json', 'README.md', 'tsconfig.json']) fs.writeFileSync(path.join(dir, f), `keep ${f}\n`);
  return dir;
}

describe('synth writes only into <out>/<stack>/', () => {
  test.each([
    ['Pulumi....yaml', '..'],
    ['Pulumi.-x.yaml', '-x'],
    ['Pulumi.Indigo Prod.yaml', 'Indigo Prod'],
    ['Pulumi.a_b.yaml', 'a_b'],
  ])('fails for the stack file %s, naming the stack, and deletes nothing', (file, name) => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'stacks', file), STACK);
    const before = tree(dir);
    for (const args of [['synth'], ['synth', '--file', path.join(dir, 'stacks', file), '--out', dir]]) {
      const r = run(dir, ...args);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`(stack name): found ${JSON.stringify(name)}`);
      expect(r.stderr).toContain('allowed: a stack name of at most 63 lower-case letters, digits and "-"');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(tree(dir)).toEqual(before);
    }
  });

  test("leaves files it did not write in the stack's folder alone, and removes its own stale ones", () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'stacks/Pulumi.indigo-prod.yaml'), STACK);
    expect(run(dir, 'synth').status).toBe(0);
    const out = path.join(dir, 'dist/indigo-prod');
    fs.writeFileSync(path.join(out, 'NOTES.md'), 'mine\n');
    fs.mkdirSync(path.join(out, 'extra'));
    fs.writeFileSync(path.join(out, 'cluster-gone.yaml'), 'kind: Cluster\n');
    expect(run(dir, 'synth').status).toBe(0);
    expect(fs.readFileSync(path.join(out, 'NOTES.md'), 'utf8')).toBe('mine\n');
    expect(fs.existsSync(path.join(out, 'extra'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'cluster-gone.yaml'))).toBe(false);
  });

  test('refuses to write through a symbolic link in place of the stack folder', () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'stacks/Pulumi.indigo-prod.yaml'), STACK);
    const elsewhere = tempDir('pgfleet-elsewhere-');
    fs.mkdirSync(path.join(dir, 'dist'));
    fs.symlinkSync(elsewhere, path.join(dir, 'dist/indigo-prod'));
    const r = run(dir, 'synth');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('refusing to write through the symbolic link');
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });
});

describe('damaged stack files are clear errors, quickly, with nothing written', () => {
  const cases: [string, (file: string) => void, RegExp][] = [
    ['a directory', (f) => fs.mkdirSync(f), /\(file\): found .*\n\s+allowed: a stack file, not a directory or device/],
    [
      'a Latin-1 byte',
      (f) => fs.writeFileSync(f, Buffer.from('config:\n  pgfleet:namespace: caf\xe9\n', 'latin1')),
      /\(line 2\): found "byte 0xe9 at offset 32"\n\s+allowed: UTF-8 text/,
    ],
    [
      'an alias bomb',
      (f) =>
        fs.writeFileSync(
          f,
          [
            'config:',
            '  a: &a [x,x,x,x,x,x,x,x,x,x]',
            ...'bcde'.split('').map((c, i) => `  ${c}: &${c} [${Array(10).fill(`*${'abcd'[i]}`).join(',')}]`),
          ].join('\n'),
        ),
      /allowed: YAML whose aliases \(\*name\) expand to a reasonable size/,
    ],
    [
      '5,000 levels of nesting',
      (f) => fs.writeFileSync(f, `config:\n  x: ${'['.repeat(5000)}${']'.repeat(5000)}\n`),
      /allowed: at most 64 levels of nested mappings and lists/,
    ],
    [
      '50 MB in one label',
      (f) => fs.writeFileSync(f, `config:\n  pgfleet:labels: {a: ${'x'.repeat(50 * 1024 * 1024)}}\n`),
      /allowed: a stack file of at most 1048576 bytes/,
    ],
  ];
  test.each(cases)('%s', (_what, make, message) => {
    const dir = project();
    const file = path.join(dir, 'stacks/Pulumi.bad-dev.yaml');
    make(file);
    const started = Date.now();
    const r = run(dir, 'synth', '--file', file);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/fix: /);
    expect(r.stderr).not.toMatch(/\n\s+at |pgfleet: /);
    expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
  });
});

describe('the gate on synth', () => {
  test('refuses an unacknowledged change that destroys data, writing nothing, and accepts it acknowledged', () => {
    const dir = project();
    const file = path.join(dir, 'stacks/Pulumi.indigo-prod.yaml');
    fs.writeFileSync(file, STACK);
    expect(run(dir, 'synth').status).toBe(0);
    const before = tree(path.join(dir, 'dist'));
    fs.writeFileSync(file, STACK.replace(/retentionPolicy: \S+/, 'retentionPolicy: 2d'));
    const r = run(dir, 'synth');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('indigo-prod: synth refuses (nothing written): 1 change not acknowledged (compared with dist/indigo-prod)');
    // Gated once, on the generation's recorded recovery window (not again on the shared ObjectStore).
    expect(r.stderr).toContain(
      '  - destroys-data:forgejo-db\n      Generation forgejo/forgejo-db: a shorter recovery window for forgejo-db (10d → 2d)',
    );
    expect(r.stderr).toContain(
      '  if you mean it, add to pgfleet:databases[0].acknowledge in the stack file:\n      acknowledge:\n        - destroys-data:forgejo-db',
    );
    expect(tree(path.join(dir, 'dist'))).toEqual(before);

    fs.writeFileSync(
      file,
      STACK.replace(/retentionPolicy: \S+/, 'retentionPolicy: 2d').replace(
        'engine: cnpg',
        'engine: cnpg\n      acknowledge: [destroys-data:forgejo-db]',
      ),
    );
    const ok = run(dir, 'synth');
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'dist/indigo-prod/objectstore-forgejo-backups.yaml'), 'utf8')).toContain('retentionPolicy: 2d');
  });
});

describe('cdk8s synth (the real cdk8s CLI)', () => {
  /** A user's checkout: the stack, its committed dist/, and cdk8s.yaml running this pgfleet. */
  function checkout(): string {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'stacks/Pulumi.indigo-prod.yaml'), STACK);
    const config = fs
      .readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8')
      .replace('app: node bin/pgfleet.js synth', `app: node ${path.join(ROOT, 'bin/pgfleet.js')} synth`);
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), config);
    git(dir, 'init', '-q');
    expect(run(dir, 'synth').status).toBe(0);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'indigo-prod');
    return dir;
  }
  const cdk8s = (cwd: string, ...args: string[]) =>
    spawnSync(CDK8S, ['synth', ...args], { cwd, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });

  test('writes to its own output folder (build/cdk8s) and leaves dist/ and its state as they are', () => {
    const dir = checkout();
    const dist = tree(path.join(dir, 'dist'));
    const r = cdk8s(dir);
    expect(r.status).toBe(0);
    expect(tree(path.join(dir, 'dist'))).toEqual(dist);
    expect(tree(path.join(dir, 'build/cdk8s'))).toEqual(dist);
  });

  test('-o dist: the CLI empties dist/ first; pgfleet checks against dist/ at git HEAD and writes it back', () => {
    const dir = checkout();
    const dist = tree(path.join(dir, 'dist'));
    expect(cdk8s(dir, '-o', 'dist').status).toBe(0);
    expect(tree(path.join(dir, 'dist'))).toEqual(dist);
  });

  test('refuses the same unacknowledged change as synth, and puts back the dist/ the CLI deleted', () => {
    const dir = checkout();
    const dist = tree(path.join(dir, 'dist'));
    fs.writeFileSync(path.join(dir, 'stacks/Pulumi.indigo-prod.yaml'), STACK.replace(/retentionPolicy: \S+/, 'retentionPolicy: 2d'));
    for (const args of [[], ['-o', 'dist']]) {
      const r = cdk8s(dir, ...args);
      expect(r.status).not.toBe(0);
      expect(r.stderr + r.stdout).toContain('synth refuses (nothing written): 1 change not acknowledged');
      expect(tree(path.join(dir, 'dist'))).toEqual(dist);
    }
  });
});
