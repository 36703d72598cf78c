/** `pgfleet plan` for the CloudNativePG PITR and upgrade: order, waits, manual steps, follow-ups. */
import { cnpgChangeRules } from '../../lib/engines/cnpg/cnpg-rules';
import type { RuleVars } from '../../lib/engines/change-rule';
import { formatPlan } from '../../lib/review/format-plan';
import { applyOrder, buildPlan } from '../../lib/review/plan';
import type { ObjectDiff } from '../../lib/review/diff-types';
import { cutover, forgejo, pitr, retiredOld, settled, TARGET, upgraded } from './cnpg-stacks';
import { change } from './review-scenarios';

const planOf = (a: Record<string, unknown>, b: Record<string, unknown>) => buildPlan(change(a, b).diff);

describe('pgfleet plan: CloudNativePG', () => {
  test('PITR: create the new cluster, wait for its recovery, verify, then the follow-up changes in order', () => {
    const p = planOf(forgejo(), pitr);
    expect(p.before).toEqual([
      `the target must lie in forgejo-db's recoverability window: \`kubectl -n forgejo get objectstore forgejo-backups -o jsonpath='{.status.serverRecoveryWindow}'\` shows a firstRecoverabilityPoint for forgejo-db's folder before ${TARGET} (in-tree barmanObjectStore: \`kubectl -n forgejo get cluster forgejo-db -o jsonpath='{.status.firstRecoverabilityPoint}'\`); else the restore fails, or stops early`,
    ]);
    expect(p.apply.map((a) => `${a.action} ${a.object}`)).toEqual([
      'update Role forgejo/forgejo-connections',
      'create ScheduledBackup forgejo/forgejo-db-20261121',
      'create Cluster forgejo/forgejo-db-20261121',
    ]);
    expect(p.wait[0]).toMatch(/^`kubectl -n forgejo wait cluster\/forgejo-db-20261121 --for=condition=Ready --timeout=2h` succeeds/);
    expect(p.check).toEqual([
      'the first base backup of the new archive folder completes: `kubectl -n forgejo get backups -l cnpg.io/cluster=forgejo-db-20261121` (the ScheduledBackup takes one immediately)',
      `verify the data of forgejo-db-20261121 (restored from forgejo-db (time ${TARGET})) before anyone uses it: connect to forgejo-db-20261121 itself, not through the consumers' Secret (which still points at forgejo-db), and check the newest rows are from just before the target`,
    ]);
    expect(p.manual).toEqual([]);
    expect(p.followUp).toEqual([
      'cut over: set pgfleet:databases[0].serving: forgejo-db-20261121, synth, review `pgfleet diff`, `pulumi up`; writes to forgejo-db made after the target are not in forgejo-db-20261121, so stop forgejo first if they matter',
      'once forgejo-db-20261121 runs and has its first backup, remove pgfleet:databases[0].generations[1].restoreFrom: it is read only at creation (the diff shows the removal as no-op)',
      'after a grace period in which forgejo-db stays available to switch back to, retire it: add forgejo-db to pgfleet:databases[0].retired',
    ]);
  });

  test("PITR: the restore rule's texts are built from typed variables, and its steps land in the sections it declares", () => {
    // GIVEN the rule for a Cluster added by a restore, and the variables of such a change.
    const rule = cnpgChangeRules.find((r) => r.kind === 'postgresql.cnpg.io/v1 Cluster' && r.path === '' && r.on === 'added')!;
    const v: RuleVars = {
      name: 'forgejo-db-20261121',
      namespace: 'forgejo',
      kind: 'Cluster',
      stack: 'test-prod',
      database: 'forgejo',
      generation: 'forgejo-db-20261121',
      bootstrap: `restore from forgejo-db (time ${TARGET})`,
      source: 'forgejo-db',
      target: TARGET,
      before: '(absent)',
      after: '(absent)',
    };
    expect(rule.why(v)).toBe(
      `new cluster forgejo-db-20261121: restore from forgejo-db (time ${TARGET}), into its own archive folder; the live clusters are untouched`,
    );
    expect(rule.steps!.map((s) => s.section)).toEqual(['before', 'wait', 'check']);
    expect(rule.steps![0].text(v)).toContain(`firstRecoverabilityPoint for forgejo-db's folder before ${TARGET}`);
    // A variable the change lacks is shown as a blank to fill in, not as a placeholder.
    expect(rule.steps![0].text({ ...v, source: undefined })).toMatch(/^the target must lie in <source>'s recoverability window/);

    // WHEN the diff matches it, THEN the change carries the steps with their sections, and the plan files them there.
    const { diff } = change(forgejo(), pitr);
    const steps = diff.objects.find((o) => o.file === 'cluster-forgejo-db-20261121.yaml')!.changes[0].steps;
    expect(steps.map((s) => s.section)).toEqual(['before', 'wait', 'check']);
    const p = buildPlan(diff);
    expect(p.before).toEqual([steps[0].text]);
    expect(p.wait).toContain(steps[1].text);
    expect(p.check).toContain(steps[2].text);
  });

  test('cutover: protection moves, the Secret is rewritten, consumers restart, retiring follows', () => {
    const p = planOf(pitr, cutover);
    expect(p.apply.map((a) => a.action)).toEqual(['update', 'protect']);
    expect(p.apply[1].why).toBe(
      "protection follows serving: Pulumi now refuses to delete or replace forgejo-db-20261121's data-bearing objects, and no longer forgejo-db's",
    );
    expect(p.wait[0]).toMatch(/^External Secrets rewrote the Secret: `kubectl -n forgejo get externalsecret forgejo-database-url/);
    expect(p.manual).toEqual([
      "restart forgejo so it reads forgejo-db-20261121's connection from Secret forgejo-database-url: `kubectl -n forgejo rollout restart deployment/forgejo` (`oc rollout latest dc/forgejo` for an OpenShift DeploymentConfig; applications that re-read the Secret need no restart)",
    ]);
    expect(p.followUp).toEqual([
      'after a grace period in which forgejo-db stays available to switch back to, retire it: add forgejo-db to pgfleet:databases[0].retired',
    ]);
  });

  test('removing restoreFrom: an update with no effect and nothing to wait for', () => {
    const p = planOf(cutover, settled);
    expect(p.apply).toMatchObject([{ action: 'update', object: 'Cluster forgejo/forgejo-db-20261121', classes: ['no-op'] }]);
    expect([...p.before, ...p.wait, ...p.check, ...p.manual, ...p.followUp]).toEqual([]);
  });

  test('retiring never tells to delete an archive location that holds a live archive', () => {
    const { diff } = change(settled, retiredOld);
    // GIVEN a retired generation whose archive is a parent folder of a live generation's.
    const db = diff.databases[0];
    const live = db.generations.find((g) => g.status !== 'retired')!;
    const parent = live.after!.archives[0].url.replace(/[^/]+\/$/, '');
    const patched = {
      ...diff,
      databases: [
        {
          ...db,
          generations: db.generations.map((g) =>
            g.status === 'retired' ? { ...g, before: { ...g.before!, archives: [{ kind: 's3' as const, url: parent }] } } : g,
          ),
        },
      ],
    };
    const manual = buildPlan(patched).manual.filter((m) => m.includes('the archive of'));
    expect(manual).toEqual([
      expect.stringMatching(
        /^keep the archive of forgejo-db \(s3:\/\/dal-site-backups\/indigo\/forgejo\/postgres\/\): it overlaps the live archive s3:\/\/.*forgejo-db-20261121-pg17\//,
      ),
    ]);
  });

  test('retiring: Pulumi releases the cluster last; deleting it and its archive stay manual', () => {
    const p = planOf(settled, retiredOld);
    expect(p.apply.map((a) => `${a.action} ${a.object}`)).toEqual([
      'update Role forgejo/forgejo-connections',
      'delete ScheduledBackup forgejo/forgejo-db',
      'release Cluster forgejo/forgejo-db',
    ]);
    expect(p.manual).toEqual([
      'after the grace period, once nothing reads forgejo-db: `kubectl -n forgejo delete cluster forgejo-db` (the operator deletes its pods and PVCs; backups stay in the archive)',
      'delete the archive of forgejo-db (s3://dal-site-backups/indigo/forgejo/postgres/forgejo-db-pg17/) once its backups are no longer needed: pgfleet never deletes archives',
    ]);
  });

  test('major upgrade: backup and maintenance page first, the upgrade Job to watch, the acknowledgement to drop afterwards', () => {
    const p = planOf(forgejo(), upgraded);
    expect(p.before).toEqual([
      "check the last base backup is recent: `kubectl -n forgejo get objectstore forgejo-backups -o jsonpath='{.status.serverRecoveryWindow.forgejo-db-pg17.lastSuccessfulBackupTime}'` (in-tree barmanObjectStore: the cluster's `.status.lastSuccessfulBackup`); else take one with backup.onDemand.id first. It stays in the old archive folder forgejo-db-pg17, which no restore of forgejo-db reads after the upgrade",
      'announce the downtime and put up a maintenance page for forgejo: forgejo-db will be offline while the change runs',
    ]);
    expect(p.apply).toMatchObject([
      { action: 'update', object: 'Cluster forgejo/forgejo-db', classes: ['irreversible', 'downtime', 'safe'] },
    ]);
    expect(p.wait).toEqual([
      'the major-upgrade Job runs pg_upgrade: `kubectl -n forgejo get jobs -l cnpg.io/cluster=forgejo-db -w`',
      "`kubectl -n forgejo get cluster forgejo-db -o jsonpath='{.status.pgDataImageInfo.majorVersion}'` prints 18 and `kubectl -n forgejo wait cluster/forgejo-db --for=condition=Ready --timeout=2h` succeeds",
    ]);
    expect(p.manual.at(-1)).toBe('take the maintenance page of forgejo down once the waits above are done');
    expect(p.followUp).toEqual([
      'take a base backup into the new archive folder forgejo-db-pg18 right away (set backup.onDemand.id, e.g. to pg18): until one exists, no point in time after the upgrade can be restored',
      'once `pulumi up` has applied this change, remove irreversible:forgejo-db from pgfleet:databases[0].acknowledge: left in place it would accept the next such change unreviewed',
    ]);
  });

  test('upgrading to a major below 18 adds refreshing planner statistics; to 18 it does not (pg_upgrade keeps them)', () => {
    const stats = (p: ReturnType<typeof planOf>) => p.manual.filter((m) => m.includes('vacuumdb --all --analyze-in-stages'));
    expect(
      stats(planOf(forgejo({ postgresVersion: 16 }), forgejo({ postgresVersion: 17, acknowledge: ['irreversible:forgejo-db'] }))),
    ).toHaveLength(1);
    expect(stats(planOf(forgejo(), upgraded))).toEqual([]);
  });

  test('an unacknowledged upgrade: the plan opens with the gate', () => {
    const p = planOf(forgejo(), forgejo({ postgresVersion: 18 }));
    expect(p.gate.ok).toBe(false);
    expect(p.before[0]).toBe(
      'the gate fails: read `pgfleet diff --stack test-prod`, then add irreversible:forgejo-db to pgfleet:databases[0].acknowledge if you mean it, or change the stack',
    );
  });

  test('an unchanged stack: nothing to do', () => {
    const p = planOf(forgejo(), forgejo());
    expect(p.apply).toEqual([]);
    expect(formatPlan(p, 'text')).toBe('pgfleet plan: test-prod (compared with HEAD:dist/test-prod)\n  no changes: nothing to do\n');
  });

  test('text output of the PITR and upgrade plans', () => {
    expect(formatPlan(planOf(forgejo(), pitr), 'text')).toMatchSnapshot('pitr');
    expect(formatPlan(planOf(forgejo(), upgraded), 'text')).toMatchSnapshot('upgrade');
    expect(formatPlan(planOf(forgejo(), pitr), 'markdown')).toMatchSnapshot('pitr markdown');
  });
});

describe('apply order', () => {
  const obj = (file: string, cls: ObjectDiff['class'], op: ObjectDiff['op'], dependsOn: string[] = []): ObjectDiff => ({
    file,
    apiKind: 'v1 X',
    kind: 'X',
    name: file,
    dataBearing: false,
    op,
    changes: [],
    class: cls,
    dependsOn,
  });

  test('dependencies first, then from harmless to heavy, removals last', () => {
    const order = applyOrder([
      obj('job-restore.yaml', 'safe', 'added', ['cluster-new.yaml']),
      obj('cluster-new.yaml', 'new-cluster', 'added'),
      obj('cluster-old.yaml', 'destroys-data', 'removed'),
      obj('secret.yaml', 'safe', 'changed'),
      obj('cluster-live.yaml', 'restart', 'changed'),
    ]).map((o) => o.file);
    expect(order).toEqual(['secret.yaml', 'cluster-live.yaml', 'cluster-new.yaml', 'job-restore.yaml', 'cluster-old.yaml']);
  });

  test('a dependency outside the diff does not hold anything back', () => {
    expect(
      applyOrder([obj('b.yaml', 'safe', 'added', ['unchanged.yaml']), obj('a.yaml', 'restart', 'changed')]).map((o) => o.file),
    ).toEqual(['b.yaml', 'a.yaml']);
  });
});
