/**
 * Engine migration refuses what cannot work, with the path the user wrote, what is allowed and
 * the fix: a live generation switching engine, restoring across engines, settings in the wrong
 * place, a target major the copy cannot reach, and problems inside the target engine's block
 * (reported by that engine's own schema).
 */
import { issuesOf, render, stackFrom } from '../helpers';
import { change, gateSummary, summary } from '../review/review-scenarios';
import { buildPlan } from '../../lib/review/plan';
import { parseState } from '../../lib/config/load-stack';
import { ENGINES } from '../../lib/engines';
import { ciip, LIVE } from './spilo-stack';
import { cnpgBlock, patroniToStandalone, spiloToCnpg, TARGET } from './migration-stack';
import { hcap } from './patroni-stack';

const at = 'pgfleet:databases[0]';
/** Every problem as [path, value, allowed, fix]; none when the stack resolves. */
function problems(config: Record<string, unknown>, previous?: ReturnType<typeof render>['state']): unknown[][] {
  try {
    stackFrom(config, { previous });
    return [];
  } catch {
    return issuesOf(() => stackFrom(config, { previous })).map((i) => [i.path, i.value, i.allowed, i.fix]);
  }
}

describe('engine migration: refusals', () => {
  test('a major the copy cannot reach is reported where it is written: the entry’s, when neither generation nor block sets one', () => {
    const config = spiloToCnpg({}, { postgresVersion: 13 }) as { 'pgfleet:databases': Record<string, any>[] };
    delete config['pgfleet:databases'][0].generations[1].postgresVersion;
    expect(problems(config).map((p) => [p[0], String(p[2]).split(':')[0]])).toEqual([
      [`${at}.postgresVersion`, '17 or newer, or migrateFrom.extensions'],
    ]);
  });

  test.each([
    ['without an engine', {}],
    ["naming the entry's own engine", { engine: 'spilo' }],
  ])('migrateFrom on a generation of the entry’s own engine (%s) is refused, never dropped', (_what, engine) => {
    const config = ciip({
      generations: [{ name: LIVE }, { name: `${LIVE}-b`, ...engine, migrateFrom: { generation: LIVE } }],
      serving: LIVE,
    });
    expect(problems(config).filter((p) => String(p[0]).endsWith('migrateFrom'))).toEqual([
      [
        `${at}.generations[1].migrateFrom`,
        { generation: LIVE },
        'a generation on another engine than spilo (engine: cnpg, ...): migrateFrom moves a database to another operator',
        "set engine on this generation and add the engine's settings block to the database; on spilo itself use restoreFrom or upgradeFrom",
      ],
    ]);
  });

  test('a live generation keeps its engine; the fix points to a migration generation', () => {
    const before = render(ciip()).state;
    // PostgreSQL 13: CloudNativePG runs no 12, and a refused entry gets no transition checks.
    const moved = ciip({
      engine: 'cnpg',
      ...cnpgBlock(),
      postgresVersion: 13,
      generations: [{ name: LIVE }],
      replicas: undefined,
      image: undefined,
    });
    const switched = issuesOf(() => stackFrom(JSON.parse(JSON.stringify(moved)), { previous: before })).filter((i) =>
      i.path.endsWith('.engine'),
    );
    expect(switched.map((i) => [i.path, i.value, i.allowed, i.fix])).toEqual([
      [
        `${at}.engine`,
        'cnpg',
        `spilo: a generation keeps its engine (${LIVE} holds its data in spilo's objects)`,
        `keep ${LIVE} on spilo (engine: spilo on the generation or the database); to move to cnpg, add a new generation with engine: cnpg and migrateFrom: {generation: ${LIVE}}, with cnpg's settings in a cnpg: block of the database`,
      ],
    ]);
  });

  test('a recorded generation on another engine may not switch back either', () => {
    const before = render(spiloToCnpg()).state;
    const back = spiloToCnpg({}, { cnpg: undefined }, { engine: 'spilo', migrateFrom: undefined, postgresVersion: undefined });
    expect(problems(back, before).filter(([p]) => p === `${at}.engine`)).toEqual([
      [
        `${at}.engine`,
        'spilo',
        `cnpg: a generation keeps its engine (${TARGET} holds its data in cnpg's objects)`,
        expect.stringContaining(`to move to spilo, add a new generation with engine: spilo and migrateFrom: {generation: ${TARGET}}`),
      ],
    ]);
  });

  test('restoreFrom and upgradeFrom stay on one engine', () => {
    expect(problems(spiloToCnpg({}, {}, { migrateFrom: undefined, restoreFrom: { generation: LIVE } }))).toEqual([
      [
        `${at}.generations[1].restoreFrom.generation`,
        LIVE,
        `a generation on cnpg, as ${TARGET} is: restoreFrom reads ${LIVE}'s backups, which only spilo can`,
        `use migrateFrom: {generation: ${LIVE}} to copy ${LIVE} from spilo to cnpg`,
      ],
    ]);
  });

  test('the target engine’s settings are checked by its own schema, at the paths written', () => {
    const bad = spiloToCnpg({}, { cnpg: { ...cnpgBlock(), instance: 2, storage: { size: '1Gb' } } });
    expect(problems(bad).map(([p, v]) => [p, v])).toEqual([
      [`${at}.cnpg.storage.size`, '1Gb'],
      [`${at}.cnpg.instance`, 2],
    ]);
    expect(problems(bad)[1][3]).toBe('did you mean "instances"? rename it');
  });

  test('a generation on another engine needs that engine’s block, and a block needs a generation', () => {
    expect(problems(spiloToCnpg({}, { cnpg: undefined })).map(([p, v, a]) => [p, v, a])).toEqual([
      [
        `${at}.cnpg`,
        undefined,
        "the settings of ciip-portal's generations on cnpg, as a cnpg database entry has them (storage, backup, ...)",
      ],
    ]);
    expect(problems(ciip({ cnpg: cnpgBlock() })).map(([p, , a]) => [p, a])).toEqual([
      [`${at}.cnpg`, 'settings for generations on cnpg: no generation of this database names engine: cnpg'],
    ]);
  });

  test('database-level keys stay on the database entry', () => {
    expect(problems(spiloToCnpg({}, { cnpg: { ...cnpgBlock(), serving: TARGET } })).map(([p, , , f]) => [p, f])).toEqual([
      [`${at}.cnpg.serving`, 'move serving to the database entry (or, for generations, list them under generations with engine: cnpg)'],
    ]);
  });

  test('migrateFrom on the database’s own engine is refused: that is restoreFrom or upgradeFrom', () => {
    const own = ciip({ generations: [{ name: LIVE }, { name: 'ciip-portal-r1', migrateFrom: { generation: LIVE } }], serving: LIVE });
    expect(problems(own).map(([p]) => p)).toEqual([`${at}.generations[1].migrateFrom`]);
  });

  test('the copy runs the new major’s pg_dump: not below the source’s, and 17+ to leave Spilo’s extensions out', () => {
    expect(problems(spiloToCnpg({ extensions: ['pgtap'] }, {}, { postgresVersion: 13 }))).toEqual([]);
    // The same major as the source is as far as pg_dump goes, but CloudNativePG 1.30 runs no 12 (reported once).
    expect(problems(spiloToCnpg({ extensions: ['pgtap'] }, {}, { postgresVersion: 12 }))).toEqual([
      [
        `${at}.generations[1].postgresVersion`,
        12,
        'PostgreSQL 13 or newer: CloudNativePG 1.30 runs no older major',
        'set postgresVersion 13 or newer (a generation migrated from another engine may take a newer major in the same step); data that must stay on 12 stays on another engine (crunchy, spilo, patroni or standalone)',
      ],
    ]);
    expect(problems(spiloToCnpg({}, {}, { postgresVersion: 16 }))).toEqual([
      [
        `${at}.generations[1].postgresVersion`,
        16,
        '17 or newer, or migrateFrom.extensions: spilo installs pg_stat_kcache, set_user in every database, which other images lack, and only pg_dump 17+ can leave extensions out (--exclude-extension)',
        `raise postgresVersion to 17, or list the extensions the application uses in ${at}.generations[1].migrateFrom.extensions (pg_dump --extension)`,
      ],
    ]);
    const older = spiloToCnpg(
      { extensions: ['pgtap'] },
      { postgresVersion: 14, image: { tag: 'x', maxPostgresVersion: 14 } },
      { postgresVersion: 13 },
    );
    expect(problems(older)).toEqual([
      [
        `${at}.generations[1].postgresVersion`,
        13,
        `14 or newer: ${LIVE} runs PostgreSQL 14, and the copy runs the new generation's pg_dump, which cannot read a newer server`,
        'set postgresVersion: 17 (or newer) on ciip-portal-cnpg',
      ],
    ]);
  });

  test('roles only with a monolith import; one database with a microservice import', () => {
    expect(problems(spiloToCnpg({ roles: ['a'] })).map(([p]) => p)).toEqual([`${at}.generations[1].migrateFrom.roles`]);
    expect(problems(spiloToCnpg({ databases: ['a', 'b'] })).map(([p]) => p)).toEqual([`${at}.generations[1].migrateFrom.databases`]);
  });

  test('a migration source cannot be retired while the copy reads it', () => {
    expect(problems(spiloToCnpg({}, { serving: TARGET, retired: [LIVE] })).map(([p, , a]) => [p, a])).toContainEqual([
      `${at}.retired[0]`,
      `a generation no live generation reads from (${TARGET} does)`,
    ]);
  });
});

describe('engine migration: the state file', () => {
  test('a generation without engine is on its database’s; a recorded engine must be a registered one, with that engine’s facts', () => {
    const state = render(spiloToCnpg()).state;
    const text = JSON.stringify(state);
    expect(parseState(text, 'x.json', ENGINES).databases['ciip-portal'].generations[LIVE].engine).toBeUndefined();
    const bad = JSON.parse(text);
    bad.databases['ciip-portal'].generations[TARGET].engine = 'cockroach';
    expect(() => parseState(JSON.stringify(bad), 'x.json', ENGINES)).toThrow(
      `databases.ciip-portal.generations.${TARGET}.engine: found "cockroach"`,
    );
    bad.databases['ciip-portal'].generations[TARGET] = {
      ...state.databases['ciip-portal'].generations[TARGET],
      engineFacts: { dcs: 'configmaps' },
    };
    expect(() => parseState(JSON.stringify(bad), 'x.json', ENGINES)).toThrow('allowed: no engine facts: cnpg records none');
  });
});

describe('engine migration: review', () => {
  test('the copy is gated as destroys-data on the source until acknowledged; the plan says to stop the writers', () => {
    const { diff } = change(ciip(), spiloToCnpg({}, { acknowledge: [] }));
    expect(gateSummary(diff)).toBe(`fails: destroys-data:${LIVE}`);
    const record = diff.objects.find((o) => o.kind === 'Generation')!;
    expect([record.name, record.class, record.changes[0].reasons[0].why]).toEqual([
      LIVE,
      'destroys-data',
      `${TARGET} is a copy of ${LIVE} as of the import's snapshot: what cas-ciip-portal writes to ${LIVE} after it is not in ${TARGET}, and is lost once consumers cut over, unless they stay stopped from \`pulumi up\` to the cutover`,
    ]);
    const plan = buildPlan(change(ciip(), spiloToCnpg()).diff);
    expect(plan.before[0]).toBe(
      `stop the writers of ${LIVE} before \`pulumi up\` and keep them stopped until the cutover is applied: ` +
        '`kubectl -n wksv3k-prod scale deployment/cas-ciip-portal --replicas=0` (and pause cron jobs that write); or, where losing those ' +
        `writes is accepted (a trial copy), note when \`pulumi up\` ran: the cutover drops every write to ${LIVE} after it`,
    );
    expect(plan.followUp).toEqual([
      `cut over: set ${at}.serving: ${TARGET}, synth, review \`pgfleet diff\`, \`pulumi up\`; writes to ${LIVE} made after the import's snapshot are not in ${TARGET}, so stop cas-ciip-portal first if they matter`,
      `once ${TARGET} runs and has its first backup, remove ${at}.generations[1].migrateFrom: it is read only at creation (the diff shows the removal as no-op)`,
      `after a grace period in which ${LIVE} stays available to switch back to, retire it: add ${LIVE} to ${at}.retired`,
      `once \`pulumi up\` has applied this change, remove destroys-data:${LIVE} from ${at}.acknowledge: left in place it would accept the next such change unreviewed`,
    ]);
  });

  test('retiring the last generation of the database’s engine suggests folding the entry onto the new one', () => {
    const after = { serving: TARGET, acknowledge: [] };
    const { diff } = change(
      spiloToCnpg({}, after, { migrateFrom: undefined }),
      spiloToCnpg({}, { ...after, retired: [LIVE] }, { migrateFrom: undefined }),
    );
    expect(buildPlan(diff).followUp).toEqual([
      `optionally, once the retired generations are gone, make ${at} a plain cnpg entry: engine: cnpg, the cnpg block's settings moved to ` +
        `the entry, the spilo settings and retired generations removed (docs/migration.md#after-the-move; ${TARGET} keeps its objects byte for byte)`,
    ]);
  });

  test('the new cluster is a new-cluster judged by CloudNativePG’s rules; removing migrateFrom later is a no-op', () => {
    const { diff } = change(ciip(), spiloToCnpg());
    const cluster = diff.objects.find((o) => o.kind === 'Cluster')!;
    expect([cluster.class, cluster.changes[0].reasons[0].why]).toEqual([
      'new-cluster',
      `new cluster ${TARGET}: copied from ${LIVE} by CloudNativePG's import (pg_dump of a snapshot, pg_restore), into its own archive folder; ${LIVE} keeps running and serving`,
    ]);
    const done = change(spiloToCnpg(), spiloToCnpg({}, { acknowledge: [] }, { migrateFrom: undefined })).diff;
    expect(done.objects.map((o) => `${o.op} ${o.kind}/${o.name} ${o.class}`)).toEqual([
      `removed NetworkPolicy/${TARGET}-import safe`,
      `changed Cluster/${TARGET} no-op`,
    ]);
    expect(done.gate.ok).toBe(true);
  });

  test('objects no generation owns are judged by the rules of their engine, not the entry’s (a shorter CloudNativePG window)', () => {
    const block = (retentionPolicy: string) => ({ cnpg: cnpgBlock({ backup: { ...(cnpgBlock().backup as object), retentionPolicy } }) });
    const { diff } = change(spiloToCnpg({}, block('14d')), spiloToCnpg({}, { ...block('10d'), acknowledge: [] }));
    // CloudNativePG's rule explains the ObjectStore change; the generation's shorter window is what is gated.
    const store = diff.objects.find((o) => o.kind === 'ObjectStore')!;
    expect(store.changes[0].reasons[0].why).toContain(
      'a shorter recovery window (14d → 10d): the plugin deletes base backups and WAL older than 10d',
    );
    expect(summary(diff).filter((l) => !l.endsWith(' safe'))).toEqual([`~ Generation/${TARGET} recovery.window destroys-data`]);
    expect(gateSummary(diff)).toBe(`fails: destroys-data:${TARGET}`);
    expect(diff.gate.ok).toBe(false);
  });

  test('the dump/restore Job is a safe addition whose end the plan waits for', () => {
    const { diff } = change(hcap(), patroniToStandalone());
    const job = diff.objects.find((o) => o.kind === 'Job' && o.name === 'hcap-standalone-migrate')!;
    expect([job.class, job.changes[0].reasons[0].why]).toEqual([
      'safe',
      'copies hcap-patroni into hcap-standalone once its server runs (pg_dump of a snapshot, pg_restore; once)',
    ]);
    expect(buildPlan(diff).wait).toContain(
      '`kubectl -n hcap-prod wait job/hcap-standalone-migrate --for=condition=complete --timeout=24h` '.replace(
        /^/,
        'the copy finishes: ',
      ) +
        '(its log: `kubectl -n hcap-prod logs job/hcap-standalone-migrate -f`); a failed copy leaves a half-filled server: ' +
        'retire hcap-standalone and copy into a new generation',
    );
  });
});
