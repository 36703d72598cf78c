/**
 * `pgfleet diff` on real CloudNativePG changes: each scenario is a pair of stack configs with the
 * classes every change must get and the gate's verdict.
 */
import { diffRendered } from '../../lib/review/stack-diff';
import { render } from '../helpers';
import { backup, cutover, forgejo, pitr, retiredOld, settled, TARGET } from './cnpg-stacks';
import { change, type Config, gateSummary, refusal, summary } from './review-scenarios';

interface Scenario {
  readonly name: string;
  readonly before: Config;
  readonly after: Config;
  readonly changes: readonly string[];
  readonly gate: string;
}

const scenarios: readonly Scenario[] = [
  {
    name: 'PITR restore: a new cluster beside the live one, which is untouched',
    before: forgejo(),
    after: pitr,
    changes: [
      '+ Cluster/forgejo-db-20261121 new-cluster',
      '~ Role/forgejo-connections rules safe',
      '+ ScheduledBackup/forgejo-db-20261121 safe',
    ],
    gate: 'passes',
  },
  {
    name: 'cutover to the restored generation: the consumer Secret moves, applications restart',
    before: pitr,
    after: cutover,
    changes: [
      '~ ExternalSecret/forgejo-database-url spec restart',
      '~ ExternalSecret/forgejo-database-url metadata.annotations.pgfleet.io/connection-secret safe',
    ],
    gate: 'passes',
  },
  {
    name: 'removing restoreFrom after the restore is a no-op, not a replacement (invariant 8)',
    before: cutover,
    after: settled,
    changes: ['~ Cluster/forgejo-db-20261121 spec.bootstrap no-op', '~ Cluster/forgejo-db-20261121 spec.externalClusters no-op'],
    gate: 'passes',
  },
  {
    name: 'retiring the old generation after the cutover: destroys data, acknowledged by retiring it by name',
    before: settled,
    after: retiredOld,
    changes: ['- Cluster/forgejo-db destroys-data', '~ Role/forgejo-connections rules safe', '- ScheduledBackup/forgejo-db safe'],
    gate: 'passes: destroys-data:forgejo-db by retired',
  },
  {
    name: 'major upgrade in place: irreversible and offline, the archive moves to a new serverName',
    before: forgejo(),
    after: forgejo({ postgresVersion: 18 }),
    changes: [
      '~ Cluster/forgejo-db spec.imageCatalogRef.major irreversible+downtime',
      '~ Cluster/forgejo-db spec.plugins[name=barman-cloud.cloudnative-pg.io].parameters.serverName safe',
    ],
    gate: 'fails: irreversible:forgejo-db',
  },
  {
    name: 'major upgrade acknowledged in the stack',
    before: forgejo(),
    after: forgejo({ postgresVersion: 18, acknowledge: ['irreversible:forgejo-db'] }),
    changes: [
      '~ Cluster/forgejo-db spec.imageCatalogRef.major irreversible+downtime',
      '~ Cluster/forgejo-db spec.plugins[name=barman-cloud.cloudnative-pg.io].parameters.serverName safe',
    ],
    gate: 'passes: irreversible:forgejo-db by acknowledge',
  },
  {
    name: 'an acknowledgement for another generation does not count',
    before: forgejo(),
    after: forgejo({ postgresVersion: 18, acknowledge: ['irreversible:forgejo', 'destroys-data:forgejo-db'] }),
    changes: [
      '~ Cluster/forgejo-db spec.imageCatalogRef.major irreversible+downtime',
      '~ Cluster/forgejo-db spec.plugins[name=barman-cloud.cloudnative-pg.io].parameters.serverName safe',
    ],
    gate: 'fails: irreversible:forgejo-db',
  },
  {
    name: 'longer retention: keeps backups longer',
    before: forgejo(),
    after: forgejo({ backup: backup({ retentionPolicy: '4w' }) }),
    changes: ['~ ObjectStore/forgejo-backups spec.retentionPolicy safe', '~ Generation/forgejo-db recovery.window safe'],
    gate: 'passes',
  },
  {
    name: 'shorter retention: deletes old backups, gated',
    before: forgejo(),
    after: forgejo({ backup: backup({ retentionPolicy: '7d' }) }),
    // Gated once, on the generation's recovery window, not again on the shared ObjectStore.
    changes: ['~ Generation/forgejo-db recovery.window destroys-data', '~ ObjectStore/forgejo-backups spec.retentionPolicy safe'],
    gate: 'fails: destroys-data:forgejo-db',
  },
  {
    name: 'schedule change',
    before: forgejo(),
    after: forgejo({ backup: backup({ schedule: '0 30 2 * * *' }) }),
    changes: ['~ ScheduledBackup/forgejo-db spec.schedule safe'],
    gate: 'passes',
  },
  {
    name: 'scale out',
    before: forgejo(),
    after: forgejo({ instances: 3 }),
    changes: ['~ Cluster/forgejo-db spec.instances safe'],
    gate: 'passes',
  },
  {
    name: 'scale in',
    before: forgejo({ instances: 3 }),
    after: forgejo({ instances: 2 }),
    changes: ['~ Cluster/forgejo-db spec.instances safe'],
    gate: 'passes',
  },
  {
    name: 'storage growth: online expansion',
    before: forgejo(),
    after: forgejo({ storage: { size: '100Gi', storageClass: 'cluster-nobackup' } }),
    changes: ['~ Cluster/forgejo-db spec.storage.size safe'],
    gate: 'passes',
  },
  {
    name: 'another StorageClass applies only to new volumes',
    before: forgejo(),
    after: forgejo({ storage: { size: '50Gi', storageClass: 'fast' } }),
    changes: ['~ Cluster/forgejo-db spec.storage.storageClass no-op'],
    gate: 'passes',
  },
  {
    name: 'renaming the SQL database edits a create-only field: a no-op, the database keeps its name',
    before: forgejo(),
    after: forgejo({ database: 'forgejo' }),
    changes: ['~ Cluster/forgejo-db spec.bootstrap no-op'],
    gate: 'passes',
  },
  {
    name: 'a one-off backup',
    before: forgejo(),
    after: forgejo({ backup: backup({ onDemand: { id: 'before-upgrade' } }) }),
    changes: ['+ Backup/forgejo-db-before-upgrade safe'],
    gate: 'passes',
  },
  {
    name: 'another one-off backup: the new Backup runs, the old object goes but its backup stays',
    before: forgejo({ backup: backup({ onDemand: { id: 'one' } }) }),
    after: forgejo({ backup: backup({ onDemand: { id: 'two' } }) }),
    changes: ['- Backup/forgejo-db-one safe', '+ Backup/forgejo-db-two safe'],
    gate: 'passes',
  },
  {
    name: 'a postmaster parameter restarts, a reloadable one does not',
    before: forgejo(),
    after: forgejo({ parameters: { archive_timeout: '5min', shared_buffers: '2GB', work_mem: '64MB' } }),
    changes: [
      '~ Cluster/forgejo-db spec.postgresql.parameters.shared_buffers restart',
      '~ Cluster/forgejo-db spec.postgresql safe',
      '~ Generation/forgejo-db recovery.rpo safe',
    ],
    gate: 'passes',
  },
];

describe('pgfleet diff: CloudNativePG scenarios', () => {
  test.each(scenarios)('$name', (s) => {
    const { diff } = change(s.before, s.after);
    expect(summary(diff)).toEqual(s.changes);
    expect(gateSummary(diff)).toBe(s.gate);
  });

  test('an unchanged stack has no changes and passes', () => {
    const { diff } = change(forgejo(), forgejo());
    expect(diff.objects).toEqual([]);
    expect(diff.gate).toEqual({ ok: true, required: [], missing: [], unused: [] });
  });

  test('an acknowledgement left after its change was applied is reported, and does not fail the gate', () => {
    const acked = forgejo({ postgresVersion: 18, acknowledge: ['irreversible:forgejo-db'] });
    const { diff } = change(acked, acked);
    expect(diff.objects).toEqual([]);
    expect(diff.gate.ok).toBe(true);
    expect(diff.gate.unused).toEqual([
      { database: 'forgejo', name: 'irreversible:forgejo-db', configPath: 'pgfleet:databases[0].acknowledge' },
    ]);
  });

  test('PITR: the field paths and the reason name the restore and its target', () => {
    const { diff } = change(forgejo(), pitr);
    const cluster = diff.objects.find((o) => o.name === 'forgejo-db-20261121' && o.kind === 'Cluster')!;
    expect(cluster).toMatchObject({ op: 'added', dataBearing: true, generation: 'forgejo-db-20261121', database: 'forgejo' });
    expect(cluster.changes[0].reasons[0].why).toBe(
      `new cluster forgejo-db-20261121: restore from forgejo-db (time ${TARGET}), into its own archive folder; the live clusters are untouched`,
    );
    const role = diff.objects.find((o) => o.kind === 'Role')!;
    expect(role.changes[0].fields).toEqual([
      { path: 'rules[0].resourceNames', before: ['forgejo-db-app'], after: ['forgejo-db-20261121-app', 'forgejo-db-app'] },
    ]);
    expect(diff.objects.some((o) => o.name === 'forgejo-db' && o.kind === 'Cluster')).toBe(false);
    expect(diff.databases[0].generations).toMatchObject([
      { name: 'forgejo-db', status: 'kept' },
      {
        name: 'forgejo-db-20261121',
        status: 'new',
        path: 'pgfleet:databases[0].generations[1]',
        bootstrap: { kind: 'restore', source: 'forgejo-db', target: { kind: 'time', time: TARGET } },
      },
    ]);
  });

  test('major upgrade: old → new values and the acknowledgement to add, with its config path', () => {
    const { diff } = change(forgejo(), forgejo({ postgresVersion: 18 }));
    const [major, server] = diff.objects[0].changes;
    expect(major.fields).toEqual([{ path: 'spec.imageCatalogRef.major', before: 17, after: 18 }]);
    expect(major.reasons.map((r) => r.why)).toEqual([
      'CloudNativePG upgrades forgejo-db in place from PostgreSQL 17 to 18 with pg_upgrade: the data directory cannot go back to 17',
      'the operator shuts every instance down while pg_upgrade runs (minutes to hours, with the data size)',
    ]);
    expect(major.acknowledgements).toEqual([
      {
        name: 'irreversible:forgejo-db',
        class: 'irreversible',
        database: 'forgejo',
        acknowledged: false,
        configPath: 'pgfleet:databases[0].acknowledge',
      },
    ]);
    expect(server.fields).toEqual([
      {
        path: 'spec.plugins[name=barman-cloud.cloudnative-pg.io].parameters.serverName',
        before: 'forgejo-db-pg17',
        after: 'forgejo-db-pg18',
      },
    ]);
  });

  test('removing restoreFrom keeps the cluster: same file, same data, only create-only fields differ', () => {
    const { diff } = change(cutover, settled);
    expect(diff.objects.map((o) => [o.file, o.op])).toEqual([['cluster-forgejo-db-20261121.yaml', 'changed']]);
    const [bootstrap, external] = diff.objects[0].changes;
    expect(bootstrap.fields.map((f) => f.path)).toEqual([
      'spec.bootstrap.initdb.database',
      'spec.bootstrap.initdb.owner',
      'spec.bootstrap.recovery.database',
      'spec.bootstrap.recovery.owner',
      'spec.bootstrap.recovery.recoveryTarget.targetTime',
      'spec.bootstrap.recovery.source',
    ]);
    expect(bootstrap.reasons[0].why).toMatch(/^bootstrap is read only when a cluster is created: forgejo-db-20261121 keeps its data/);
    expect(external.fields.every((f) => f.path.startsWith('spec.externalClusters[') && f.after === undefined)).toBe(true);
  });

  test('a data-bearing object that vanishes from the output without retiring is destroys-data, even known only from the base', () => {
    // A hand-made or stale base holding a cluster the stack no longer renders (e.g. after a code change renamed it).
    const base = render(forgejo(), { stack: 'test-prod' });
    const stray = base.files
      .get('cluster-forgejo-db.yaml')!
      .replace(/forgejo-db$/gm, 'forgejo-old')
      .replace('pgfleet.io/generation: forgejo-db', 'pgfleet.io/generation: forgejo-old');
    const files = new Map([...base.files, ['cluster-forgejo-old.yaml', stray]]);
    const diff = diffRendered(files, render(forgejo(), { stack: 'test-prod', previous: base.state }));
    expect(summary(diff)).toEqual(['- Cluster/forgejo-old destroys-data']);
    expect(gateSummary(diff)).toBe('fails: destroys-data:forgejo-old');
  });

  test('a base without a state file (a new stack): everything is new', () => {
    const next = render(forgejo(), { stack: 'test-prod' });
    const diff = diffRendered(new Map(), next);
    expect(diff.objects.every((o) => o.op === 'added')).toBe(true);
    expect(summary(diff)).toContain('+ Cluster/forgejo-db new-cluster');
    expect(diff.gate.ok).toBe(true);
  });

  describe('refused by config validation, so never reach the diff', () => {
    test('storage shrink', () => {
      expect(refusal(forgejo(), forgejo({ storage: { size: '20Gi' } }))).toEqual(['pgfleet:databases[0].storage.size']);
    });
    test('lowering the major', () => {
      expect(refusal(forgejo({ postgresVersion: 18 }), forgejo())).toEqual(['pgfleet:databases[0].postgresVersion']);
    });
    test('in-place destructive restore: CloudNativePG restores only into a new cluster', () => {
      expect(
        refusal(
          forgejo(),
          forgejo({ generations: [{ name: 'forgejo-db', restoreFrom: { generation: 'forgejo-db', targetTime: TARGET } }] }),
        ),
      ).toEqual(['pgfleet:databases[0].generations[0].restoreFrom.generation']);
    });
    test('renaming the database entry (state, names and acknowledgements follow it)', () => {
      const renamed = forgejo({ name: 'git' });
      expect(refusal(forgejo(), renamed)).toEqual(['pgfleet:databases[0].name']);
    });
    test('cutover and retiring the serving generation in one change (Pulumi still protects it; no way back)', () => {
      const before = forgejo({ generations: [{ name: 'forgejo-db' }, { name: 'forgejo-db-20261121' }], serving: 'forgejo-db' });
      expect(refusal(before, retiredOld)).toEqual(['pgfleet:databases[0].retired']);
    });
    test('a generation dropped without retiring it', () => {
      expect(refusal(settled, forgejo({ generations: [{ name: 'forgejo-db-20261121' }] }))).toEqual(['pgfleet:databases[0].generations']);
    });
  });
});
