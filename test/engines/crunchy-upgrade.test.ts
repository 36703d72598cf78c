import { buildPlan } from '../../lib/review/plan';
import { diffRendered } from '../../lib/review/stack-diff';
import { filesOf, find, render, renderAfter, stepLines } from '../helpers';
import { change, gateSummary, summary } from '../review/review-scenarios';
import { CLONE, issuesOf, jobstore, LIVE } from './crunchy-stack';

const UPGRADE = `${LIVE}-upgrade-16-to-17`;
const IMAGE = 'registry.developers.crunchydata.com/crunchydata/crunchy-upgrade:ubi9-5.8.9-0';

/** The prod stack with the live generation at `postgresVersion`, upgrading as given. */
const gen = (postgresVersion: number, upgrade?: Record<string, unknown>) =>
  jobstore('prod', { generations: [{ name: LIVE, postgresVersion, ...(upgrade ? { upgrade } : {}) }] });
const prepare = gen(16, { to: 17, phase: 'prepare', image: IMAGE, transferMethod: 'Link' });
const complete = gen(16, { to: 17, phase: 'complete', image: IMAGE, transferMethod: 'Link' });
const done = gen(17);

describe('Crunchy PGO engine: major upgrade in phases', () => {
  const r0 = render(jobstore('prod'));
  const r1 = render(prepare, { previous: r0.state });
  const r2 = render(complete, { previous: r1.state });
  const r3 = render(done, { previous: r2.state });
  const cluster = (r: typeof r0) => find(r, 'PostgresCluster', LIVE);

  test('prepare: a PGUpgrade, the allow-upgrade annotation and shutdown, on the old version', () => {
    expect(filesOf(r1)[`pgupgrade-${UPGRADE}.yaml`]).toMatchSnapshot();
    expect(find(r1, 'PGUpgrade', UPGRADE).spec).toEqual({
      postgresClusterName: LIVE,
      fromPostgresVersion: 16,
      toPostgresVersion: 17,
      image: IMAGE,
      transferMethod: 'Link',
    });
    const c = cluster(r1);
    expect(c.metadata.annotations['postgres-operator.crunchydata.com/allow-upgrade']).toBe(UPGRADE);
    expect(c.spec.shutdown).toBe(true);
    expect(c.spec.postgresVersion).toBe(16);
    // The PGUpgrade is applied before the cluster allows it and shuts down.
    expect(r1.objects.find((o) => o.file === `postgrescluster-${LIVE}.yaml`)!.dependsOn).toEqual([`pgupgrade-${UPGRADE}.yaml`]);
    expect(r1.state.databases['api-postgres'].generations[LIVE].engineFacts).toEqual({ upgrade: { phase: 'prepare', to: 17 } });
  });

  test('prepare differs from the running cluster by exactly the annotation and shutdown', () => {
    const a = filesOf(r0)[`postgrescluster-${LIVE}.yaml`].split('\n');
    const b = filesOf(r1)[`postgrescluster-${LIVE}.yaml`].split('\n');
    expect(b.filter((l) => !a.includes(l))).toEqual([
      `    postgres-operator.crunchydata.com/allow-upgrade: ${UPGRADE}`,
      '  shutdown: true',
    ]);
  });

  test('pgfleet diff: irreversible with downtime, gated, with the backup first and the PGUpgrade to wait for', () => {
    const d = diffRendered(r0.files, r1);
    const c = d.objects.find((o) => o.file === `postgrescluster-${LIVE}.yaml`)!;
    expect(c.class).toBe('irreversible');
    const change = c.changes.find((x) => x.class === 'irreversible')!;
    expect(change.reasons.map((x) => x.class)).toEqual(['irreversible', 'downtime']);
    expect(stepLines(change)).toContain(`get pgupgrade ${UPGRADE}`);
    expect(stepLines(change)).toContain('follow-up: set upgrade.phase: complete');
    expect(d.gate.missing.map((a) => a.name)).toEqual([`irreversible:${LIVE}`]);
  });

  test('complete: the new postgresVersion, shutdown false, no annotation', () => {
    const c = cluster(r2);
    expect(c.spec.postgresVersion).toBe(17);
    expect(c.spec.shutdown).toBe(false);
    expect(c.metadata.annotations['postgres-operator.crunchydata.com/allow-upgrade']).toBeUndefined();
    expect(find(r2, 'PGUpgrade', UPGRADE).spec.toPostgresVersion).toBe(17);
    const change = diffRendered(r1.files, r2).objects.find((o) => o.file === `postgrescluster-${LIVE}.yaml`)!;
    expect(stepLines(change.changes.find((x) => x.path === 'spec.postgresVersion')!)).toContain('vacuumdb --all --analyze-in-stages');
  });

  test('finish: postgresVersion 17 without upgrade renders the same cluster and drops the used PGUpgrade', () => {
    expect(cluster(r3)).toEqual(cluster(r2));
    expect(r3.objects.find((o) => o.manifest.kind === 'PGUpgrade')).toBeUndefined();
    expect(r3.state.databases['api-postgres'].generations[LIVE].postgresVersion).toBe(17);
  });

  describe('pgfleet plan', () => {
    const ack = { acknowledge: [`irreversible:${LIVE}`] };
    const prepared = jobstore('prod', { generations: [{ name: LIVE, upgrade: { to: 17, phase: 'prepare' } }], ...ack });
    const plan = buildPlan(change(jobstore(), prepared).diff);
    const completed = buildPlan(
      change(prepared, jobstore('prod', { generations: [{ name: LIVE, upgrade: { to: 17, phase: 'complete' } }] })).diff,
    );

    test('prepare keeps the maintenance page up: the cluster stays down until the complete phase', () => {
      const manual = plan.manual.join('\n');
      expect(manual).toContain(
        `keep the maintenance page of api, sidecar up: ${LIVE} stays offline until the follow-up change below is applied`,
      );
      expect(manual).not.toMatch(/take the maintenance page .* down/);
      expect(completed.manual.join('\n')).toContain(`take down the maintenance page put up when ${LIVE} was shut down`);
    });

    test('prepare asks for room on the data volume: Copy writes a second copy of the data, Link does not', () => {
      const disk = plan.before.find((b) => b.includes('df -h /pgdata'))!;
      expect(disk).toMatch(
        /^make room for pg_upgrade on the primary's data volume: with transferMethod Copy .* writes a second copy of the data/,
      );
      expect(disk).toContain('Link (hard links) and Clone (reflinks, on filesystems that support them) need almost no room');
      expect(plan.before.indexOf(disk)).toBeLessThan(plan.before.findIndex((b) => b.startsWith('announce the downtime')));
    });

    test("complete: statistics, then the old data directory removed as PGO's guide says", () => {
      const manual = completed.manual.join('\n');
      expect(manual).toContain('vacuumdb --all --analyze-in-stages` (or `ANALYZE` in each database as a superuser)');
      expect(manual).toContain(
        `for pod in $(kubectl -n f3c07a-prod get pod -l postgres-operator.crunchydata.com/cluster=${LIVE},postgres-operator.crunchydata.com/instance -o name); do kubectl -n f3c07a-prod exec "$pod" -c database -- rm -rf /pgdata/pg16 /pgdata/pg16_wal; done`,
      );
    });
  });

  describe('abandoning a prepared upgrade (upgrade removed, postgresVersion still 16)', () => {
    const prepared = jobstore('prod', {
      generations: [{ name: LIVE, upgrade: { to: 17, phase: 'prepare', transferMethod: 'Link' } }],
      acknowledge: [`irreversible:${LIVE}`],
    });

    test('the config accepts it and the cluster starts again on 16', () => {
      const c = cluster(renderAfter(prepared, jobstore('prod')));
      expect([c.spec.shutdown, c.spec.postgresVersion, c.metadata.annotations['postgres-operator.crunchydata.com/allow-upgrade']]).toEqual([
        false,
        16,
        undefined,
      ]);
    });

    test('pgfleet diff: destroys-data, gated, with the PGUpgrade status to check first', () => {
      const { diff } = change(prepared, jobstore('prod'));
      expect(summary(diff).filter((l) => !l.endsWith(' safe'))).toEqual([
        `~ PostgresCluster/${LIVE} metadata.annotations.postgres-operator.crunchydata.com/allow-upgrade destroys-data`,
        `~ PostgresCluster/${LIVE} spec.shutdown restart`,
      ]);
      expect(gateSummary(diff)).toBe(`fails: destroys-data:${LIVE}`);
      const abandon = diff.objects
        .find((o) => o.file === `postgrescluster-${LIVE}.yaml`)!
        .changes.find((c) => c.class === 'destroys-data')!;
      expect(abandon.reasons[0].why).toContain(
        `safe only if PGUpgrade ${UPGRADE} has not started; once pg_upgrade has run with transferMethod Link, the old data directory`,
      );
      expect(abandon.steps[0].section).toBe('before');
      expect(abandon.steps[0].text).toContain(
        `check that PGUpgrade ${UPGRADE} has not started: \`kubectl -n f3c07a-prod get pgupgrade ${UPGRADE} -o jsonpath='{.status.conditions}'\``,
      );
      expect(abandon.steps[0].text).toContain(`get job ${UPGRADE}-pgdata`);
      const acked = change(prepared, jobstore('prod', { acknowledge: [`destroys-data:${LIVE}`] })).diff;
      expect(gateSummary(acked)).toBe(`passes: destroys-data:${LIVE} by acknowledge`);
      expect(buildPlan(acked).before[0]).toMatch(/^check that PGUpgrade .* has not started/);
    });

    test('the complete phase, which also drops the annotation, stays ungated', () => {
      const { diff } = change(prepared, jobstore('prod', { generations: [{ name: LIVE, upgrade: { to: 17, phase: 'complete' } }] }));
      expect(gateSummary(diff)).toBe('passes');
    });
  });

  describe('skipped or mixed-up phases', () => {
    test("raising the database's postgresVersion directly names that setting, not the generation", () => {
      const i = issuesOf(() => renderAfter(jobstore('prod'), jobstore('prod', { postgresVersion: 17 })));
      expect(i.map((x) => [x.path, x.value])).toEqual([['pgfleet:databases[0].postgresVersion', 17]]);
      const preparing = (db: Record<string, unknown>) =>
        jobstore('prod', { generations: [{ name: LIVE, upgrade: { to: 18, phase: 'prepare' } }], ...db });
      expect(issuesOf(() => renderAfter(jobstore('prod'), preparing({ postgresVersion: 17 }))).map((x) => x.path)).toEqual([
        'pgfleet:databases[0].postgresVersion',
      ]);
    });

    test('raising postgresVersion directly', () => {
      expect(issuesOf(() => renderAfter(jobstore('prod'), done))).toEqual([
        {
          path: 'pgfleet:databases[0].generations[0].postgresVersion',
          value: 17,
          allowed: '16 until the upgrade is prepared: PGO refuses a new postgresVersion on a cluster whose data is still 16',
          fix: 'keep postgresVersion: 16 and add upgrade: {to: 17, phase: prepare}; set phase: complete once the PGUpgrade succeeded',
        },
      ]);
    });

    test('complete without prepare', () => {
      const i = issuesOf(() => renderAfter(jobstore('prod'), complete));
      expect(i.map((x) => [x.path, x.value])).toEqual([['pgfleet:databases[0].generations[0].upgrade.phase', 'complete']]);
      expect(i[0].fix).toContain('set phase: prepare');
    });

    test('finishing straight from prepare', () => {
      const i = issuesOf(() => renderAfter(prepare, done));
      expect(i.map((x) => x.path)).toEqual(['pgfleet:databases[0].generations[0].upgrade']);
      expect(i[0].fix).toBe('keep postgresVersion: 16 and set upgrade.phase: complete; remove upgrade in the change after that');
      expect(issuesOf(() => renderAfter(prepare, gen(18))).map((x) => x.path)).toEqual(['pgfleet:databases[0].generations[0].upgrade']);
    });

    test('dropping upgrade after complete without raising postgresVersion, or raising it further', () => {
      expect(issuesOf(() => renderAfter(complete, gen(16)))[0]).toMatchObject({
        path: 'pgfleet:databases[0].generations[0].postgresVersion',
        value: 16,
        fix: 'set postgresVersion: 17 together with removing upgrade',
      });
      expect(issuesOf(() => renderAfter(complete, gen(18)))[0].fix).toContain('set postgresVersion: 17 first');
    });

    test('going back from complete to prepare, or changing the target mid-way', () => {
      expect(issuesOf(() => renderAfter(complete, prepare))[0]).toMatchObject({
        path: 'pgfleet:databases[0].generations[0].upgrade.phase',
        value: 'prepare',
      });
      expect(issuesOf(() => renderAfter(prepare, gen(16, { to: 18, phase: 'complete' })))[0]).toMatchObject({
        path: 'pgfleet:databases[0].generations[0].upgrade.to',
        value: 18,
      });
    });

    test('raising postgresVersion while preparing', () => {
      expect(issuesOf(() => renderAfter(jobstore('prod'), gen(17, { to: 18, phase: 'prepare' })))[0]).toMatchObject({
        path: 'pgfleet:databases[0].generations[0].postgresVersion',
        value: 17,
      });
    });
  });

  describe('refused upgrade settings', () => {
    test('a target not above the running major, CopyFileRange before 17, a pinned image without the new one', () => {
      const i = issuesOf(() =>
        render(
          jobstore('prod', {
            generations: [
              { name: LIVE, image: 'crunchy-postgres:ubi9-16.4', upgrade: { to: 16, phase: 'prepare', transferMethod: 'CopyFileRange' } },
            ],
          }),
        ),
      );
      expect(i.map((x) => x.path)).toEqual([
        'pgfleet:databases[0].generations[0].upgrade.transferMethod',
        'pgfleet:databases[0].generations[0].upgrade.postgresImage',
        'pgfleet:databases[0].generations[0].upgrade.to',
      ]);
      expect(i[2].allowed).toBe(`a major above 16, the version ${LIVE} runs now`);
    });

    test("with a pinned image, complete switches to the new major's image", () => {
      const pinned = (phase: string) =>
        jobstore('prod', { generations: [{ name: LIVE, image: 'pg:16', upgrade: { to: 17, phase, postgresImage: 'pg:17' } }] });
      expect(find(render(pinned('prepare')), 'PostgresCluster', LIVE).spec.image).toBe('pg:16');
      expect(find(render(pinned('complete')), 'PostgresCluster', LIVE).spec.image).toBe('pg:17');
    });

    test('restoring from a generation that is upgrading, and upgrading a generation that is being restored', () => {
      const i = issuesOf(() =>
        render(
          jobstore('prod', {
            generations: [
              { name: LIVE, upgrade: { to: 17, phase: 'complete' } },
              { name: CLONE, restoreFrom: { generation: LIVE, targetTime: '2024-02-06T19:50:11Z' }, upgrade: { to: 17, phase: 'prepare' } },
            ],
            serving: LIVE,
          }),
        ),
      );
      expect(i.map((x) => x.path)).toEqual([
        'pgfleet:databases[0].generations[1].upgrade',
        'pgfleet:databases[0].generations[1].restoreFrom.generation',
      ]);
    });
  });
});
