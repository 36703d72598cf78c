/**
 * Format 1 of the state file (what users committed before the state was typed) is read by
 * converting it: the real format-1 files (test/fixtures/state-format-1, see its README) read as
 * exactly the state a format-2 synth of the same stack writes, and every transition check fires
 * against a format-1 previous state as it does against a format-2 one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { parseState } from '../../lib/config/load-stack';
import type { StackState } from '../../lib/config/stack-state';
import { bootstrapOfText, targetOfText } from '../../lib/config/state-format-1';
import { ENGINES } from '../../lib/engines';
import { stackState } from '../../lib/model/stack-state-of';
import { issuesOf, loadStack, ROOT, stackFrom } from '../helpers';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'state-format-1');
const STACKS = fs
  .readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''))
  .sort();
const COMMITTED = fs.readdirSync(path.join(ROOT, 'dist')).sort();

/** The stack a fixture was written for: a scenario stack of the fixtures, else the committed one. */
function stackFile(stack: string): string {
  const own = path.join(FIXTURES, 'stacks', `Pulumi.${stack}.yaml`);
  return fs.existsSync(own) ? own : path.join(ROOT, 'stacks', `Pulumi.${stack}.yaml`);
}

const format1Text = (stack: string) => fs.readFileSync(path.join(FIXTURES, `${stack}.json`), 'utf8');

/** The previous state as read from format 1, and as read from the format 2 a synth of the same stack writes. */
const previousStates = (stack: string): [string, StackState][] => [
  ['format 1', parseState(format1Text(stack), `${stack}.json`, ENGINES)],
  ['format 2', parseState(JSON.stringify(stackState(loadStack(stackFile(stack)))), `${stack}.json`, ENGINES)],
];

/** The `config:` mapping of a stack file, its first database changed by `edit`. */
function edited(stack: string, edit: (db: Record<string, any>) => void): Record<string, unknown> {
  const config = structuredClone((parse(fs.readFileSync(stackFile(stack), 'utf8')) as { config: Record<string, any> }).config);
  edit(config['pgfleet:databases'][0]);
  return config;
}

/** The issues of a stack edited after the synth that left `previous`, as [path, value, allowed]. */
const issuesAfter = (stack: string, previous: StackState, edit: (db: Record<string, any>) => void) =>
  issuesOf(() => stackFrom(edited(stack, edit), { stack, previous })).map((i) => [i.path, i.value, i.allowed]);

/**
 * A format-2 state without what synth began to record after format 1 was frozen (format 1 never
 * had it, so conversion cannot give it): Patroni's backup and verification volume sizes, the
 * standalone dump volume's size and blackbox targets, a PGO one-off backup's id, recovery guarantees.
 */
function withoutLaterFacts(state: StackState): StackState {
  const databases = Object.fromEntries(
    Object.entries(state.databases).map(([name, d]) => {
      const generations = Object.fromEntries(
        Object.entries(d.generations).map(([g, s]) => {
          const { backup: _b, verification: _v, ...volumes } = { ...s.volumes };
          const { dumpSize: _d, manualBackup: _m, ...facts } = { ...(s.engineFacts as Record<string, unknown>) };
          const { volumes: _vs, engineFacts: _f, recovery: _r, ...rest } = s;
          return [
            g,
            {
              ...rest,
              ...(s.volumes ? { volumes: d.engine === 'patroni' ? volumes : s.volumes } : {}),
              archives: s.archives.filter((a) => !a.repo?.startsWith('blackbox:')),
              ...(Object.keys(facts).length ? { engineFacts: facts } : {}),
            },
          ];
        }),
      );
      return [name, { ...d, generations }];
    }),
  );
  return { ...state, databases };
}

describe('state format 1', () => {
  test('the fixtures cover every committed stack, in format 1', () => {
    expect(STACKS).toEqual(expect.arrayContaining(COMMITTED));
    for (const stack of STACKS) expect(JSON.parse(format1Text(stack)).format).toBe(1);
  });

  test.each(STACKS)('%s reads as the state format 2 writes for the same stack', (stack) => {
    expect(parseState(format1Text(stack), `${stack}.json`, ENGINES)).toEqual(withoutLaterFacts(stackState(loadStack(stackFile(stack)))));
  });

  test.each(COMMITTED)('%s: the committed format-2 state equals the converted format 1', (stack) => {
    const committed = fs.readFileSync(path.join(ROOT, 'dist', stack, 'pgfleet-state.json'), 'utf8');
    expect(JSON.parse(committed).format).toBe(2);
    const format1 = parseState(format1Text(stack), stack, ENGINES);
    // Generations added since format 1 was written (cas-ciip-dev's move to CloudNativePG) are not in it.
    const known = (s: StackState): StackState => ({
      ...s,
      databases: Object.fromEntries(
        Object.entries(s.databases).map(([name, db]) => [
          name,
          {
            ...db,
            generations: Object.fromEntries(
              Object.entries(db.generations).filter(([g]) => g in (format1.databases[name]?.generations ?? {})),
            ),
          },
        ]),
      ),
    });
    expect(known(withoutLaterFacts(parseState(committed, stack, ENGINES)))).toEqual(format1);
  });

  test('the bootstrap text of format 1, every variant and target', () => {
    expect(bootstrapOfText('initdb')).toEqual({ kind: 'initdb' });
    expect(bootstrapOfText('upgrade from postgres')).toEqual({ kind: 'upgrade', source: 'postgres' });
    expect(bootstrapOfText('restore from forgejo-db (time 2026-11-20T08:00:00+01:00)')).toEqual({
      kind: 'restore',
      source: 'forgejo-db',
      target: { kind: 'time', time: '2026-11-20T08:00:00+01:00' },
    });
    expect(bootstrapOfText('restore from x (latest)')).toEqual({ kind: 'restore', source: 'x', target: { kind: 'latest' } });
    expect(targetOfText('lsn 0/3000060')).toEqual({ kind: 'lsn', lsn: '0/3000060' });
    expect(targetOfText('name before-migration')).toEqual({ kind: 'name', name: 'before-migration' });
    expect(targetOfText('backupFile postgres-20261120T150000Z.sql.gz')).toEqual({
      kind: 'backupFile',
      file: 'postgres-20261120T150000Z.sql.gz',
    });
    // Patroni's in-place restore kept the time as written in the stack.
    expect(targetOfText('time 2026-11-20 09:30:00Z')).toEqual({ kind: 'time', time: '2026-11-20T09:30:00+00:00' });
    for (const text of ['restored from x', 'restore from x', 'restore from x (time 2026-11-20 08:00)', 'upgrade from', 'initdb ']) {
      expect(bootstrapOfText(text)).toBeUndefined();
    }
  });

  test('fails for format-1 text it cannot read, naming the field as format 1 wrote it', () => {
    const s = JSON.parse(format1Text('pydis-staging'));
    const gens = s.databases.postgres.generations;
    gens.postgres.bootstrap = 'restored from x';
    gens.postgres.archive = 'somewhere';
    gens['postgres-17'].extra = { writers: 'web/site' };
    expect(() => parseState(JSON.stringify(s), 'dist/pydis-staging/pgfleet-state.json', ENGINES)).toThrow(
      [
        'dist/pydis-staging/pgfleet-state.json: 1 problem',
        '  - databases.postgres.generations.postgres.bootstrap: found "restored from x"',
        '      allowed: initdb, "restore from <generation> (<target>)" or "upgrade from <generation>"',
      ].join('\n'),
    );
    gens.postgres.bootstrap = 'initdb';
    const fix =
      'fix: restore it from git (git checkout -- dist/pydis-staging/pgfleet-state.json), or delete it deliberately to skip the checks against the previous synth once';
    expect(() => parseState(JSON.stringify(s), 'dist/pydis-staging/pgfleet-state.json', ENGINES)).toThrow(
      [
        'dist/pydis-staging/pgfleet-state.json: 2 problems',
        '  - databases.postgres.generations.postgres.archive: found "somewhere"',
        '      allowed: an archive location as format 1 wrote it for standalone',
        `      ${fix}`,
        '  - databases.postgres.generations.postgres-17.extra: found {"writers":"web/site"}',
        '      allowed: the facts format 1 recorded for standalone',
        `      ${fix}`,
      ].join('\n'),
    );
  });
});

describe.each(['format 1', 'format 2'])('transition checks against a previous state in %s', (format) => {
  const previous = (stack: string) => previousStates(stack).find(([f]) => f === format)![1];

  test('a shrinking volume', () => {
    expect(
      issuesAfter('indigo-prod', previous('indigo-prod'), (db) => {
        db.storage.size = '10Gi';
      }),
    ).toEqual([
      [
        'pgfleet:databases[0].storage.size',
        '10Gi',
        "50Gi or more: Kubernetes volumes can grow but never shrink (forgejo-db's data volume)",
      ],
    ]);
  });

  test('a downgrade', () => {
    expect(
      issuesAfter('indigo-prod', previous('indigo-prod'), (db) => {
        db.postgresVersion = 17;
      }),
    ).toEqual([
      [
        'pgfleet:databases[0].postgresVersion',
        17,
        '18 or higher: forgejo-db already runs PostgreSQL 18, and a data directory cannot go back a major',
      ],
    ]);
  });

  test('a generation that vanished without being retired', () => {
    expect(
      issuesAfter('pydis-staging', previous('pydis-staging'), (db) => {
        db.generations = [{ name: 'postgres' }];
      }),
    ).toEqual([
      [
        'pgfleet:databases[0].generations',
        'postgres-17',
        'generation postgres/postgres-17 (standalone, holding data) stays listed until it is retired',
      ],
    ]);
  });

  test("engine checks read the engine's facts and archives: a PGO upgrade phase skipped, a volume repository dropped", () => {
    const [skipped] = issuesAfter('crunchy-upgrade', previous('crunchy-upgrade'), (db) => {
      db.postgresVersion = 17;
      delete db.generations[0].upgrade;
    });
    expect(skipped).toEqual([
      'pgfleet:databases[0].generations[0].upgrade',
      undefined,
      'upgrade with phase: complete before it is removed: api-postgres-alpha is shut down for its PGUpgrade',
    ]);
    const s3 = {
      bucket: 'jobstore-backups',
      endpoint: 'nrs.objectstore.gov.bc.ca',
      region: 'us-east-1',
      credentials: { existingSecret: { name: 'aws' } },
    };
    const dropped = issuesAfter('jobstore-prod', previous('jobstore-prod'), (db) => {
      const { volume: _, ...repo } = db.backups.repos[0];
      db.backups.repos[0] = { ...repo, s3 };
    });
    expect(dropped.map(([p, v]) => [p, v])).toEqual([['pgfleet:databases[0].backups.repos', 'repo1']]);
  });

  test("engine checks read the engine's facts and archives: a moved WAL prefix, an in-place restore id reused", () => {
    expect(
      issuesAfter('cas-ciip-prod', previous('cas-ciip-prod'), (db) => {
        db.backup.location = 'wal2';
      }),
    ).toEqual([
      [
        'pgfleet:databases[0].backup.location',
        'gs://wksv3k-prod-ciip-backups/wal2/ciip-portal-patroni',
        'gs://wksv3k-prod-ciip-backups/wal/ciip-portal-patroni: ciip-portal-patroni has archived there since it was created; a new prefix would split its WAL history, and a restore reads one prefix only',
      ],
    ]);
    expect(
      issuesAfter('patroni-restores', previous('patroni-restores'), (db) => {
        db.inPlaceRestore.targetTime = '2026-11-20T10:00:00Z';
      }),
    ).toEqual([
      [
        'pgfleet:databases[0].inPlaceRestore.id',
        '20261121',
        'a new id for another dump: id 20261121 already restored time 2026-11-20T09:30:00+00:00, and its Jobs cannot change',
      ],
    ]);
  });

  test('a restored generation keeps its bootstrap', () => {
    expect(
      issuesAfter('spilo-restore', previous('spilo-restore'), (db) => {
        db.generations[1].restoreFrom.targetTime = '2022-06-05 09:00:00-08:00';
      }),
    ).toEqual([
      [
        'pgfleet:databases[0].generations[1].restoreFrom',
        'restore from ciip-portal-patroni (time 2022-06-05T09:00:00-08:00)',
        expect.stringContaining('"restore from ciip-portal-patroni (time 2022-06-05T08:00:00-08:00)", as ciip-portal-r1 was created'),
      ],
    ]);
  });
});
