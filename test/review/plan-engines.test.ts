/** `pgfleet plan` with other engines' rules: dependsOn order, prose steps, engine follow-ups. */
import { spiloChangeRules } from '../../lib/engines/spilo/spilo-rules';
import { buildPlan } from '../../lib/review/plan';
import { jobstore, LIVE } from '../engines/crunchy-stack';
import { hcap, restored } from '../engines/patroni-stack';
import { ciip, LIVE as SPILO_LIVE } from '../engines/spilo-stack';
import { change } from './review-scenarios';

test('Crunchy upgrade, phase prepare: the PGUpgrade is created before the cluster is annotated, and the next phase follows', () => {
  const p = buildPlan(
    change(
      jobstore(),
      jobstore('prod', { generations: [{ name: LIVE, upgrade: { to: 17, phase: 'prepare' } }], acknowledge: [`irreversible:${LIVE}`] }),
    ).diff,
  );
  expect(p.apply.map((a) => [a.action, a.object, a.after])).toEqual([
    ['create', `PGUpgrade f3c07a-prod/${LIVE}-upgrade-16-to-17`, []],
    ['update', `PostgresCluster f3c07a-prod/${LIVE}`, [`pgupgrade-${LIVE}-upgrade-16-to-17.yaml`]],
  ]);
  expect(p.before[0]).toMatch(/^take a full backup/);
  expect(p.before).toContain(
    `announce the downtime and put up a maintenance page for api, sidecar: ${LIVE} will be offline while the change runs`,
  );
  expect(p.manual.filter((m) => m.includes('maintenance page'))).toEqual([
    expect.stringMatching(/^keep the maintenance page of api, sidecar up/),
  ]);
  expect(p.followUp).toEqual([
    `set upgrade.phase: complete for ${LIVE}`,
    `once \`pulumi up\` has applied this change, remove irreversible:${LIVE} from pgfleet:databases[0].acknowledge: left in place it would accept the next such change unreviewed`,
  ]);
});

test('Patroni restore: the engine runs the restore Job after its cluster', () => {
  const p = buildPlan(
    change(hcap(), restored({ backupFile: '/backups/daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz' })).diff,
  );
  const job = p.apply.findIndex((a) => a.object === 'Job hcap-prod/hcap-patroni-r1-restore-hcap');
  const sts = p.apply.findIndex((a) => a.object === 'StatefulSet hcap-prod/hcap-patroni-r1');
  expect(job).toBeGreaterThan(sts);
  expect(p.apply[job].after).toContain('statefulset-hcap-patroni-r1.yaml');
});

test('each step lands in the section its rule declares, whatever its first word', () => {
  // GIVEN Spilo's restore rule, whose steps are written as prose ("Check the recovery point ...").
  const restore = spiloChangeRules.find((r) => r.kind === 'pgfleet.io/v1 HelmValues' && r.path === '' && r.on === 'added')!;
  expect(restore.steps!.map((s) => s.section)).toEqual(['wait', 'wait', 'check', 'check', 'follow-up', 'follow-up']);
  // WHEN the plan is built from a restore, THEN the texts go whole into those sections.
  const p = buildPlan(
    change(
      ciip(),
      ciip({
        generations: [{ name: SPILO_LIVE }, { name: `${SPILO_LIVE}-r1`, restoreFrom: { generation: SPILO_LIVE } }],
        serving: SPILO_LIVE,
      }),
    ).diff,
  );
  expect(p.check.filter((s) => s.startsWith('Check the recovery point'))).toHaveLength(1);
  expect(p.followUp.filter((s) => s.startsWith('Follow-up change:'))).toHaveLength(1);
  expect(p.wait.some((s) => s.startsWith('Watch the bootstrap'))).toBe(true);
});
