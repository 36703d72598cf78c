/**
 * `pgfleet diff` and `pgfleet plan` end to end: a temporary git checkout with a stack and its
 * committed dist/, as a user's repository would be (npm test builds the CLI first).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { git, ROOT, runPgfleet, tempDir } from '../helpers';

const STACK = fs.readFileSync(path.join(ROOT, 'stacks/Pulumi.indigo-prod.yaml'), 'utf8');

const pgfleet = (cwd: string, ...args: string[]) => runPgfleet(cwd, args, { ...process.env, NO_COLOR: '' });

/** A checkout with the Indigo prod stack synthesized and committed. */
function checkout(): string {
  const dir = tempDir('pgfleet-diff-');
  fs.mkdirSync(path.join(dir, 'stacks'));
  fs.writeFileSync(path.join(dir, 'stacks/Pulumi.indigo-prod.yaml'), STACK);
  git(dir, 'init', '-q');
  const s = pgfleet(dir, 'synth');
  if (s.status !== 0) throw new Error(s.stderr);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'indigo-prod');
  return dir;
}

const edit = (dir: string, from: string, to: string) => {
  const file = path.join(dir, 'stacks/Pulumi.indigo-prod.yaml');
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`no ${from} in the stack`);
  fs.writeFileSync(file, text.replace(from, to));
};

const restore = (dir: string) => fs.writeFileSync(path.join(dir, 'stacks/Pulumi.indigo-prod.yaml'), STACK);

describe('pgfleet diff / plan (CLI)', () => {
  let dir: string;
  beforeAll(() => {
    dir = checkout();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('an unchanged tree: "no changes", exit 0', () => {
    const r = pgfleet(dir, 'diff');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      'indigo-prod (compared with HEAD:dist/indigo-prod)\n  no changes\n\nno changes: the stacks synthesize what HEAD:dist/indigo-prod holds\n',
    );
    expect(pgfleet(dir, 'plan', '--stack', 'indigo-prod').stdout).toContain('no changes: nothing to do');
  });

  test('a shorter retention window: the gate fails (exit 1) and says what to add where; acknowledging it passes', () => {
    edit(dir, 'retentionPolicy: 10d', 'retentionPolicy: 7d');
    const r = pgfleet(dir, 'diff', '--stack', 'indigo-prod');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('~ Generation forgejo/forgejo-db (pgfleet-state.json#forgejo-db)');
    expect(r.stdout).toContain('destroys-data  recovery.window: 10d → 7d');
    expect(r.stdout).toContain('safe  spec.retentionPolicy: 10d → 7d');
    expect(r.stdout).toContain('gate: FAILS: 1 change not acknowledged');
    expect(r.stdout).toContain(
      'to accept, add to pgfleet:databases[0].acknowledge in the stack file:\n        acknowledge:\n          - destroys-data:forgejo-db',
    );
    expect(r.stdout).not.toMatch(/\u001b\[/);

    const md = pgfleet(dir, 'diff', '--format', 'markdown');
    expect(md.status).toBe(1);
    expect(md.stdout).toContain('### indigo-prod: **gate fails**');
    expect(md.stdout).toContain('| ~ | `Generation forgejo/forgejo-db` | `recovery.window`: `10d` → `7d` | **destroys-data** |');

    const json = JSON.parse(pgfleet(dir, 'diff', '--format', 'json').stdout);
    expect(json.ok).toBe(false);
    expect(json.stacks[0].gate.missing.map((a: { name: string }) => a.name)).toEqual(['destroys-data:forgejo-db']);

    edit(dir, '      consumers:', '      acknowledge:\n        - destroys-data:forgejo-db\n      consumers:');
    const ok = pgfleet(dir, 'diff', '--color');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/\u001b\[1m\u001b\[31mdestroys-data/);
    const plan = pgfleet(dir, 'plan', '--stack', 'indigo-prod');
    expect(plan.status).toBe(0);
    expect(plan.stdout).toContain('update ObjectStore forgejo/forgejo-backups [safe]');
    expect(plan.stdout).toContain(
      '1. if a restore to a point older than 7d might still be needed, restore it (or copy those backups) first, or keep the longer window until it is not',
    );
    restore(dir);
  });

  test('--from DIR compares with a directory; --base REF with another commit', () => {
    const copy = tempDir('pgfleet-base-');
    fs.cpSync(path.join(dir, 'dist'), copy, { recursive: true });
    expect(pgfleet(dir, 'diff', '--from', copy).status).toBe(0);
    edit(dir, 'size: 50Gi', 'size: 80Gi');
    const r = pgfleet(dir, 'diff', '--from', copy);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`indigo-prod (compared with ${path.join(copy, 'indigo-prod')})`);
    expect(r.stdout).toContain('safe  spec.storage.size: 50Gi → 80Gi');
    fs.rmSync(copy, { recursive: true, force: true });

    // Committed with its dist/: nothing pending against HEAD, the change against HEAD~1.
    expect(pgfleet(dir, 'synth').status).toBe(0);
    git(dir, 'commit', '-q', '-am', 'grow');
    expect(pgfleet(dir, 'diff').stdout).toContain('no changes');
    const older = pgfleet(dir, 'diff', '--base', 'HEAD~1');
    expect(older.stdout).toContain('indigo-prod (compared with HEAD~1:dist/indigo-prod)');
    expect(older.stdout).toContain('safe  spec.storage.size: 50Gi → 80Gi');
  });

  test('a config problem against the base (storage shrink) is refused: exit 1, the config path, no stack trace', () => {
    edit(dir, 'size: 80Gi', 'size: 20Gi');
    const r = pgfleet(dir, 'diff');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('pgfleet:databases[0].storage.size: found "20Gi"');
    expect(r.stderr).toContain('allowed: 80Gi or more');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    restore(dir);
  });

  test('a base that cannot be read: exit 2 with the reason', () => {
    const r = pgfleet(dir, 'diff', '--base', 'no-such-ref');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'no commit "no-such-ref" in this checkout: pass --base with an existing branch, tag or commit (git log --oneline shows them), or compare with a directory: --from DIR\n',
    );
    expect(pgfleet(dir, 'plan').status).toBe(2);
    const outside = tempDir('pgfleet-nogit-');
    fs.mkdirSync(path.join(outside, 'stacks'));
    fs.writeFileSync(path.join(outside, 'stacks/Pulumi.indigo-prod.yaml'), STACK);
    expect(pgfleet(outside, 'diff').stderr).toMatch(/is not a git checkout, so there is no committed dist\/ to compare with/);
  });

  test('--json is --format json; --version prints the version; help shows no "(default: [])"', () => {
    const fresh = checkout();
    const json = pgfleet(fresh, 'diff', '--json');
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, changed: false });
    expect(pgfleet(dir, '--version').stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    for (const cmd of ['synth', 'diff', 'plan', 'validate']) expect(pgfleet(dir, cmd, '--help').stdout).not.toContain('(default: [])');
  });
});
