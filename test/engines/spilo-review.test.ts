/**
 * `pgfleet plan` on Spilo changes: the runbook's cleanup never names a WAL prefix that holds a live
 * generation's archive, and its commands name the stack's database.
 */
import { folderContains } from '../../lib/engines/spilo/spilo-schema';
import { buildPlan, type Plan } from '../../lib/review/plan';
import { change, summary, type Config } from '../review/review-scenarios';
import { BUCKET, ciip, LIVE } from './spilo-stack';

const R1 = 'ciip-portal-r1';

/** The prefixes the plan tells to delete by hand: `delete the archive of <g> (<prefix>)`. */
const deletedArchives = (p: Plan) => p.manual.flatMap((s) => /^delete the archive of \S+ \((\S+)\)/.exec(s)?.[1] ?? []);

/** `gs://bucket/a/b` as the folder `a/b`. */
const folder = (prefix: string) => prefix.replace(`gs://${BUCKET}/`, '');

describe('Spilo plan', () => {
  // docs/spilo.md: adopt the release archiving to `wal`, with new generations beside it under `pgfleet`.
  const adopted = (db: Config = {}) =>
    ciip({ generations: [{ name: LIVE, backupLocation: 'wal' }, { name: R1 }], serving: R1, ...db }, { location: 'pgfleet' });

  test.each([
    [
      'the default layout',
      ciip({ generations: [{ name: LIVE }, { name: R1 }], serving: R1 }),
      ciip({ generations: [{ name: LIVE }, { name: R1 }], serving: R1, retired: [LIVE] }),
      `wal/${LIVE}`,
      `wal/${R1}`,
    ],
    ['an adopted release archiving to wal', adopted(), adopted({ retired: [LIVE] }), 'wal', `pgfleet/${R1}`],
  ])(
    'retiring a generation (%s) never names a prefix holding a live archive for deletion',
    (_name, before, after, retiredFolder, liveFolder) => {
      const { diff, next } = change(before, after);
      const deleted = deletedArchives(buildPlan(diff));
      expect(deleted).toEqual([`gs://${BUCKET}/${retiredFolder}`]);
      const live = Object.values(next.state.databases['ciip-portal'].generations).flatMap((g) => g.archives.map((a) => a.url));
      expect(live).toEqual([`gs://${BUCKET}/${liveFolder}`]);
      for (const d of deleted) for (const l of live) expect(folderContains(folder(d), folder(l))).toBe(false);
    },
  );

  test('a release adopted at backup.location is refused before a restore beside it could archive inside it', () => {
    // Before: accepted, and a restore archived to wal/ciip-portal-r1 inside the adopted wal, which the
    // plan for retiring the old scope then told to delete.
    const before = ciip({ generations: [{ name: LIVE, backupLocation: 'wal' }] });
    const after = ciip({
      generations: [
        { name: LIVE, backupLocation: 'wal' },
        { name: R1, restoreFrom: { generation: LIVE } },
      ],
      serving: LIVE,
    });
    expect(() => change(before, after)).toThrow(/pgfleet:databases\[0\]\.backup\.location/);
  });

  test("a release first installed through pgfleet's post-renderer is a rolling restart of its scope", () => {
    // The base as dist/ held it before the post-render existed: the same values without the line.
    const { base } = change(ciip(), ciip());
    const file = `helmrelease-${LIVE}.values.yaml`;
    const older = new Map(base.files);
    older.set(file, base.files.get(file)!.replace(/^# Post-rendered by .*\n/m, ''));
    const { diff } = change(ciip(), ciip(), { base: older });
    expect(summary(diff)).toEqual([`~ HelmValues/${LIVE} @postRender restart`]);
    expect(diff.objects[0].changes[0].reasons[0].why).toBe(
      "pgfleet's post-render of the chart changes the StatefulSet's pod template: the pods restart one at a time",
    );
  });

  // RuleVars.database is the fleet entry (ciip-portal); the SQL database comes from spilo.reviewVars.
  test("the restore check connects to the stack's database, not a placeholder", () => {
    const restored = ciip({
      generations: [{ name: LIVE }, { name: R1, restoreFrom: { generation: LIVE, targetTime: '2022-06-05 08:00:00-08:00' } }],
      serving: LIVE,
    });
    const psql = buildPlan(change(ciip(), restored).diff).check.filter((s) => s.includes('psql'));
    expect(psql).toEqual([expect.stringContaining(`kubectl -n wksv3k-prod exec -it ${R1}-0 -- psql -U postgres -d ciip_portal\``)]);
  });
});
