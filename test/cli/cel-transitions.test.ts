/**
 * CEL transition rules (`oldSelf`) on the command line: synth compares each object with the one
 * its previous synth wrote, `pgfleet validate` with the file committed at `--base` (HEAD by
 * default), so a change the API server would refuse on update fails before review.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { git, ROOT, runPgfleet, tempDir } from '../helpers';

const pgfleet = (cwd: string, ...args: string[]) => runPgfleet(cwd, args);

/** The indigo-dev stack with an on-demand backup, its database entry changed by `edit`. */
function stack(edit: (db: Record<string, any>) => void = () => undefined): string {
  const s = parse(fs.readFileSync(path.join(ROOT, 'stacks/Pulumi.indigo-dev.yaml'), 'utf8'));
  const db = s.config['pgfleet:databases'][0];
  db.backup.onDemand = { id: 'pre-upgrade' };
  edit(db);
  return stringify(s);
}

describe('CEL transition rules on the command line', () => {
  test('synth fails for an edit of a Backup, whose spec is immutable, and writes nothing', () => {
    const dir = tempDir('pgfleet-cel-');
    const file = path.join(dir, 'Pulumi.cel-dev.yaml');
    fs.writeFileSync(file, stack());
    expect(pgfleet(dir, 'synth', '--file', file, '--out', 'out').status).toBe(0);
    const before = fs.readFileSync(path.join(dir, 'out/cel-dev/backup-forgejo-db-pre-upgrade.yaml'), 'utf8');

    // The in-tree archive instead of the plugin: the same Backup (same id) would change its method.
    fs.writeFileSync(
      file,
      stack((db) => {
        db.backup.method = 'barmanObjectStore';
        db.acknowledge = ['destroys-data:forgejo-db'];
      }),
    );
    const r = pgfleet(dir, 'synth', '--file', file, '--out', 'out');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'synthesized objects do not match their schemas (nothing written):\n' +
        'cel-dev:\n' +
        'postgresql.cnpg.io/v1 Backup forgejo-db-pre-upgrade: spec: BackupSpec is immutable once set\n',
    );
    expect(fs.readFileSync(path.join(dir, 'out/cel-dev/backup-forgejo-db-pre-upgrade.yaml'), 'utf8')).toBe(before);

    // A new id is a new Backup: admitted.
    fs.writeFileSync(
      file,
      stack((db) => {
        db.backup.method = 'barmanObjectStore';
        db.backup.onDemand = { id: 'in-tree' };
        db.acknowledge = ['destroys-data:forgejo-db'];
      }),
    );
    expect(pgfleet(dir, 'synth', '--file', file, '--out', 'out').status).toBe(0);
  });

  test('validate compares with the files committed at --base (HEAD by default)', () => {
    const dir = tempDir('pgfleet-cel-git-');
    const file = path.join(dir, 'Pulumi.cel-dev.yaml');
    fs.writeFileSync(file, stack());
    expect(pgfleet(dir, 'synth', '--file', file, '--out', 'out').status).toBe(0);
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'first');
    expect(pgfleet(dir, 'validate', 'out').stdout).toBe('12 objects valid\n');

    const backup = path.join(dir, 'out/cel-dev/backup-forgejo-db-pre-upgrade.yaml');
    fs.writeFileSync(backup, fs.readFileSync(backup, 'utf8').replace('method: plugin', 'method: volumeSnapshot'));
    const r = pgfleet(dir, 'validate', 'out');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'cel-dev/backup-forgejo-db-pre-upgrade.yaml: postgresql.cnpg.io/v1 Backup forgejo-db-pre-upgrade: spec: BackupSpec is immutable once set\n',
    );
    // Against a revision without the file it is a new object.
    git(dir, 'rm', '-q', '--cached', 'out/cel-dev/backup-forgejo-db-pre-upgrade.yaml');
    git(dir, 'commit', '-qm', 'without the backup');
    expect(pgfleet(dir, 'validate', 'out').status).toBe(0);
    expect(pgfleet(dir, 'validate', 'out', '--base', 'HEAD~1').status).toBe(1);
    expect(pgfleet(dir, 'validate', 'out', '--base', '--help').stderr).toBe(
      '--base --help: a git revision such as HEAD or main, not an option\n',
    );
    // A revision that does not exist is refused: a typo must not switch the transition rules off.
    const typo = pgfleet(dir, 'validate', 'out', '--base', 'mian');
    expect([typo.status, typo.stderr]).toEqual([
      1,
      'no commit "mian" in this checkout: pass --base with an existing branch, tag or commit (git log --oneline shows them)\n',
    ]);
  });

  test('validate outside a git checkout checks the other rules and treats every object as new', () => {
    const dir = tempDir('pgfleet-cel-nogit-');
    const file = path.join(dir, 'Pulumi.cel-dev.yaml');
    fs.writeFileSync(file, stack());
    expect(pgfleet(dir, 'synth', '--file', file, '--out', 'out').status).toBe(0);
    expect(pgfleet(dir, 'validate', 'out')).toMatchObject({ status: 0, stdout: '12 objects valid\n' });
  });
});
