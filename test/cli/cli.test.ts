import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, runPgfleet, tempDir } from '../helpers';

/** Runs the built CLI (npm test builds first). */
const pgfleet = (...args: string[]) => runPgfleet(ROOT, args);

const GOOD = fs.readFileSync(path.join(ROOT, 'stacks/Pulumi.indigo-dev.yaml'), 'utf8');

describe('pgfleet CLI', () => {
  test('synth --file takes a stack file from anywhere, and validate accepts the result', () => {
    const dir = tempDir();
    const file = path.join(dir, 'Pulumi.newsys-qa.yaml');
    fs.writeFileSync(file, GOOD);
    const out = path.join(dir, 'out');
    const s = pgfleet('synth', '--file', file, '--out', out);
    expect(s.stderr).toBe('');
    expect(s.status).toBe(0);
    expect(s.stdout).toContain('newsys-qa: 11 objects');
    expect(fs.readdirSync(path.join(out, 'newsys-qa'))).toContain('cluster-forgejo-db.yaml');
    const v = pgfleet('validate', out);
    expect(v.status).toBe(0);
    expect(v.stdout).toContain('11 objects valid');
  });

  test('fails for a malformed stack with every problem listed, no stack trace and nothing written', () => {
    const dir = tempDir();
    const file = path.join(dir, 'Pulumi.bad-dev.yaml');
    fs.writeFileSync(
      file,
      GOOD.replace('postgresVersion: 18', 'postgresVersion: "18"')
        .replace('instances: 1', 'instancess: 1')
        .replace('size: 5Gi', 'size: five')
        .replace('retentionPolicy: 3d', 'retentionPolicy: 3 days'),
    );
    const out = path.join(dir, 'out');
    const s = pgfleet('synth', '--file', file, '--out', out);
    expect(s.status).toBe(1);
    expect(s.stderr).toContain('4 problems');
    for (const p of ['postgresVersion', 'instancess', 'storage.size', 'backup.retentionPolicy'])
      expect(s.stderr).toContain(`pgfleet:databases[0].${p}`);
    expect(s.stderr).toContain('fix:');
    expect(s.stderr).not.toMatch(/^\s+at /m);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('one bad stack among good ones writes nothing at all', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'Pulumi.good-dev.yaml'), GOOD);
    fs.writeFileSync(path.join(dir, 'Pulumi.bad-dev.yaml'), GOOD.replace('schedule: "0 0 3 * * *"', 'schedule: "0 3 * * *"'));
    const out = path.join(dir, 'out');
    const s = pgfleet('synth', '--stacks-dir', dir, '--out', out);
    expect(s.status).toBe(1);
    expect(s.stderr).toContain('CloudNativePG schedules start with a seconds field: write "0 0 3 * * *"');
    expect(fs.existsSync(out)).toBe(false);
  });

  test('synth fails on an object its schemas do not accept, writing nothing', () => {
    const dir = tempDir();
    // Only the CloudNativePG Cluster CRD: every other kind of the stack has no schema to pass.
    const crds = path.join(dir, 'crds');
    fs.mkdirSync(crds);
    fs.copyFileSync(path.join(ROOT, 'crds', 'postgresql.cnpg.io_clusters.yaml'), path.join(crds, 'clusters.yaml'));
    const file = path.join(dir, 'Pulumi.one-dev.yaml');
    fs.writeFileSync(file, GOOD);
    const out = path.join(dir, 'out');
    const s = pgfleet('synth', '--file', file, '--out', out, '--crds', crds);
    expect(s.status).toBe(1);
    expect(s.stderr).toContain('synthesized objects do not match their schemas (nothing written)');
    expect(s.stderr).toContain('barmancloud.cnpg.io/v1 ObjectStore forgejo-backups: no schema for barmancloud.cnpg.io/v1 ObjectStore');
    expect(s.stderr).not.toContain('Cluster forgejo-db');
    expect(fs.existsSync(out)).toBe(false);
  });

  test('fails, without a stack trace, when there is nothing to work on', () => {
    const empty = tempDir();
    for (const cmd of [
      ['synth', '--stacks-dir', empty],
      ['diff', '--stacks-dir', empty],
    ]) {
      const s = pgfleet(...cmd);
      expect(s.status).toBe(1);
      expect(s.stderr).toContain(`no stack files (Pulumi.<stack>.yaml) in ${empty}`);
    }
    const v = pgfleet('validate', path.join(empty, 'nope'));
    expect(v.status).toBe(1);
    expect(v.stderr).toContain('is not a directory of manifests');
    expect(v.stderr).not.toMatch(/^\s+at /m);
  });

  test('a damaged state file is a config problem naming the fix', () => {
    const dir = tempDir();
    const file = path.join(dir, 'Pulumi.st-dev.yaml');
    fs.writeFileSync(file, GOOD);
    const out = path.join(dir, 'out');
    fs.mkdirSync(path.join(out, 'st-dev'), { recursive: true });
    const state = path.join(out, 'st-dev', 'pgfleet-state.json');
    fs.writeFileSync(state, '{"format": 1, "stack": ');
    const s = pgfleet('synth', '--file', file, '--out', out);
    expect(s.status).toBe(1);
    expect(s.stderr).toContain('(state file)');
    expect(s.stderr).toContain(`restore it from git (git checkout -- ${state})`);
    expect(s.stderr).not.toMatch(/^\s+at /m);
    // JSON that is not a state pgfleet wrote is refused too, never read as "no previous state".
    fs.writeFileSync(state, '{"format": 1}');
    const t = pgfleet('synth', '--file', file, '--out', out);
    expect(t.status).toBe(1);
    expect(t.stderr).toContain(`${state}: 2 problems\n  - stack: found (missing)`);
    expect(t.stderr).not.toMatch(/^\s+at /m);
  });

  test('synth into a fresh directory still checks against the committed dist/', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'Pulumi.indigo-dev.yaml'), GOOD.replace('postgresVersion: 18', 'postgresVersion: 17'));
    const s = pgfleet('synth', '--stacks-dir', dir, '--out', path.join(dir, 'out'));
    expect(s.status).toBe(1);
    expect(s.stderr).toContain('pgfleet:databases[0].postgresVersion: found 17');
    expect(s.stderr).toContain('18 or higher');
  });

  test('validate reports an invalid manifest with its path', () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'cluster.yaml'),
      'apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata:\n  name: x\nspec:\n  instances: 1\n  storage:\n    size: 1Gi\n  bootstrapp: {}\n',
    );
    const v = pgfleet('validate', dir);
    expect(v.status).toBe(1);
    expect(v.stderr).toContain('cluster.yaml: postgresql.cnpg.io/v1 Cluster x: spec: unknown field "bootstrapp"');
  });

  test.each([[], ['synth'], ['validate'], ['diff'], ['plan'], ['schema']])('--help works for %p', (...cmd) => {
    const h = pgfleet(...cmd.flat(), '--help');
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('Usage: pgfleet');
  });
});
