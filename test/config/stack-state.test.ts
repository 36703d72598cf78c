import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../lib/config/config-error';
import { parseState, readState } from '../../lib/config/load-stack';
import { STATE_FILE } from '../../lib/config/stack-state';
import { describeArchives, describeBootstrap, describeTarget } from '../../lib/config/state-text';
import { ENGINES } from '../../lib/engines';
import { stateOfFiles } from '../../lib/review/reviewed-object';
import { ROOT, tempDir } from '../helpers';

const FILE = 'dist/pydis-staging/pgfleet-state.json';
const FIX = `fix: restore it from git (git checkout -- ${FILE}), or delete it deliberately to skip the checks against the previous synth once`;

/** The committed format-2 state of pydis-staging (two generations, an upgrade with writers). */
const good = (): Record<string, any> => JSON.parse(fs.readFileSync(path.join(ROOT, FILE), 'utf8'));
const gens = (s: Record<string, any>) => s.databases.postgres.generations;

/** The message a state file's text is refused with; fails the test when it parses. */
function refusal(text: string): string {
  try {
    parseState(text, FILE, ENGINES);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

/** One problem as ConfigError prints it, with the restore-from-git fix. */
const problem = (p: string, found: string, allowed: string) => `  - ${p}: found ${found}\n      allowed: ${allowed}\n      ${FIX}`;
const report = (...problems: string[]) =>
  [`${FILE}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, ...problems].join('\n');

describe('state file schema', () => {
  test('the committed state parses to itself', () => {
    expect(parseState(JSON.stringify(good()), FILE, ENGINES)).toEqual(good());
  });

  test('no state file is no previous state; an empty one is refused', () => {
    const dir = tempDir();
    expect(readState(dir, ENGINES)).toBeUndefined();
    expect(stateOfFiles(new Map(), ENGINES, 'HEAD:dist/x')).toBeUndefined();
    fs.writeFileSync(path.join(dir, STATE_FILE), '');
    expect(() => readState(dir, ENGINES)).toThrow(ConfigError);
    expect(() => stateOfFiles(new Map([[STATE_FILE, '']]), ENGINES, 'HEAD:dist/x')).toThrow(ConfigError);
  });

  test('fails for text that is not JSON', () => {
    expect(refusal('{"format": 2, "stack": ')).toBe(
      report(problem('(state file)', '"Unexpected end of JSON input"', 'the JSON pgfleet synth writes')),
    );
  });

  test('fails for null, naming what the file holds', () => {
    expect(refusal('null')).toBe(
      report(problem('(top level)', 'null', 'an object with format, stack and databases, as pgfleet synth writes it')),
    );
  });

  test('fails for a missing or unknown format instead of skipping the checks', () => {
    const { format: _, ...noFormat } = good();
    expect(refusal(JSON.stringify(noFormat))).toBe(report(problem('format', '(missing)', '1 or 2, the state formats this pgfleet reads')));
    expect(refusal(JSON.stringify({ ...good(), format: 3 }))).toBe(
      report(problem('format', '3', '1 or 2, the state formats this pgfleet reads (the file was written by a newer pgfleet)')),
    );
  });

  test('fails for {"format": 1} without stack and databases', () => {
    expect(refusal('{"format":1}')).toBe(report(problem('stack', '(missing)', 'a string'), problem('databases', '(missing)', 'a mapping')));
  });

  test('fails for format 2 with the fields of format 1', () => {
    const s = good();
    gens(s).postgres = { postgresVersion: 16, bootstrap: 'initdb', archive: 'pvc://postgres-backups/postgres/' };
    const at = 'databases.postgres.generations.postgres';
    const keys = 'known keys here: postgresVersion, volumes, bootstrap, archives, engineFacts, engine, recovery';
    expect(refusal(JSON.stringify(s))).toBe(
      report(
        problem(`${at}.bootstrap`, '"initdb"', 'a mapping'),
        problem(`${at}.archives`, '(missing)', 'a list'),
        problem(`${at}.archive`, '"pvc://postgres-backups/postgres/"', keys),
      ),
    );
  });

  test('fails for an empty database entry, naming every missing field', () => {
    const s = good();
    s.databases.postgres = {};
    const at = 'databases.postgres';
    expect(refusal(JSON.stringify(s))).toBe(
      report(
        problem(`${at}.engine`, '(missing)', 'one of "cnpg", "crunchy", "spilo", "patroni", "standalone"'),
        problem(`${at}.namespace`, '(missing)', 'a string'),
        problem(`${at}.serving`, '(missing)', 'a string'),
        problem(`${at}.retired`, '(missing)', 'a list'),
        problem(`${at}.generations`, '(missing)', 'a mapping'),
      ),
    );
  });

  test('fails for a recovery guarantee that is not one', () => {
    const s = good();
    gens(s).postgres.recovery = { method: 'pitr', rpoSeconds: -5, windowSeconds: 86400 };
    const at = 'databases.postgres.generations.postgres.recovery';
    const message = refusal(JSON.stringify(s));
    expect(message).toContain(`${at}.method: found "pitr"`);
    expect(message).toContain(`${at}.rpoSeconds: found -5`);
  });

  test('fails for a volume size that is not a quantity', () => {
    const s = good();
    gens(s).postgres.volumes.data = 'lots';
    expect(refusal(JSON.stringify(s))).toBe(
      report(problem('databases.postgres.generations.postgres.volumes.data', '"lots"', 'a Kubernetes quantity such as 50Gi or 500Mi')),
    );
  });

  test('fails for a restore target time without offset, an archive URL of another kind and an unknown bootstrap', () => {
    const s = good();
    gens(s)['postgres-17'].bootstrap = { kind: 'restore', source: 'postgres', target: { kind: 'time', time: '2026-11-20 08:00' } };
    gens(s)['postgres-17'].archives = [{ kind: 's3', url: 'gs://bucket/postgres-17/' }];
    gens(s).postgres.bootstrap = { kind: 'clone', source: 'x' };
    const at = 'databases.postgres.generations';
    expect(refusal(JSON.stringify(s))).toBe(
      report(
        problem(`${at}.postgres.bootstrap.kind`, '"clone"', 'one of initdb, restore, upgrade, migrate'),
        problem(
          `${at}.postgres-17.bootstrap.target.time`,
          '"2026-11-20 08:00"',
          'an RFC 3339 time with an explicit offset, e.g. 2026-11-20T08:00:00+01:00',
        ),
        problem(
          `${at}.postgres-17.archives[0].url`,
          '"gs://bucket/postgres-17/"',
          'a URL starting with <kind>://, e.g. s3://bucket/prefix/ for kind s3',
        ),
      ),
    );
  });

  test("fails for engine facts that do not match the engine's schema", () => {
    const s = good();
    gens(s)['postgres-17'].engineFacts = { writers: [{ namespace: 'web', name: 'site', replicas: 'one' }], dcs: 'endpoints' };
    const at = 'databases.postgres.generations.postgres-17.engineFacts';
    expect(refusal(JSON.stringify(s))).toBe(
      report(
        problem(`${at}.writers[0].replicas`, '"one"', 'a number'),
        problem(`${at}.dcs`, '"endpoints"', 'known keys here: writers, dumpSize'),
      ),
    );
    const cnpg = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist/indigo-prod', STATE_FILE), 'utf8'));
    cnpg.databases.forgejo.generations['forgejo-db'].engineFacts = { dcs: 'endpoints' };
    expect(refusal(JSON.stringify(cnpg))).toContain(
      problem('databases.forgejo.generations.forgejo-db.engineFacts', '{"dcs":"endpoints"}', 'no engine facts: cnpg records none'),
    );
  });

  test('a base read from git names the file at its ref and restores the path in the checkout', () => {
    expect(() => stateOfFiles(new Map([[STATE_FILE, 'null']]), ENGINES, 'origin/main:dist/pydis-staging')).toThrow(
      `origin/main:dist/pydis-staging/${STATE_FILE}: 1 problem\n  - (top level): found null\n      allowed: an object with format, stack and databases, as pgfleet synth writes it\n      ${FIX}`,
    );
  });
});

describe('state text', () => {
  test('one formatter for bootstraps, targets and archives', () => {
    expect(describeBootstrap({ kind: 'initdb' })).toBe('initdb');
    expect(describeBootstrap({ kind: 'upgrade', source: 'postgres' })).toBe('upgrade from postgres');
    expect(describeBootstrap({ kind: 'restore', source: 'forgejo-db', target: { kind: 'time', time: '2026-11-20T08:00:00+01:00' } })).toBe(
      'restore from forgejo-db (time 2026-11-20T08:00:00+01:00)',
    );
    expect([
      describeTarget({ kind: 'latest' }),
      describeTarget({ kind: 'lsn', lsn: '0/3000060' }),
      describeTarget({ kind: 'name', name: 'before-migration' }),
      describeTarget({ kind: 'backupFile', file: 'x.sql.gz' }),
    ]).toEqual(['latest', 'lsn 0/3000060', 'name before-migration', 'backupFile x.sql.gz']);
    expect(describeArchives([{ kind: 's3', url: 's3://b/p/' }])).toBe('s3://b/p/');
    expect(
      describeArchives([
        { repo: 'repo1', kind: 'pvc', url: 'pvc://ns/c-repo1/' },
        { repo: 'repo2', kind: 's3', url: 's3://b/p/repo2' },
      ]),
    ).toBe('repo1=pvc://ns/c-repo1/ repo2=s3://b/p/repo2');
  });
});
