/**
 * Decommissioning a database: three reviewed changes, each refused out of order. `decommission:
 * true` (no consumers) lifts Pulumi's protection; then every generation is retired, the serving
 * one included; then the entry goes. Retiring the last live generation without it is refused.
 */
import { buildPlan } from '../../lib/review/plan';
import { formatDiff } from '../../lib/review/format-diff';
import { issuesOf, render } from '../helpers';
import { forgejo } from './cnpg-stacks';
import { change, type Config, gateSummary, summary } from './review-scenarios';

/** The stack with a second database beside forgejo (a stack keeps at least one). */
const withWiki = (forgejoEntry: Config[]): Config => {
  const [entry] = forgejo()['pgfleet:databases'] as Config[];
  const wiki = {
    ...entry,
    name: 'wiki',
    generations: [{ name: 'wiki-db' }],
    consumers: [],
    backup: { ...(entry.backup as Config), destinationPath: 's3://dal-site-backups/indigo/wiki/postgres/' },
  };
  return { ...forgejo(), 'pgfleet:databases': [...forgejoEntry, wiki] };
};
const entryOf = (c: Config) => (c['pgfleet:databases'] as Config[])[0];
const flagged = withWiki([entryOf(forgejo({ decommission: true, consumers: [] }))]);
const allRetired = withWiki([entryOf(forgejo({ decommission: true, consumers: [], retired: ['forgejo-db'] }))]);
const withoutEntry = withWiki([]);

/** The problems of rendering `after` with the state `before` recorded. */
const refused = (before: Config, after: Config) => issuesOf(() => render(after, { previous: render(before).state }));

describe('decommissioning a database', () => {
  test('retiring the last live generation without decommission is refused, pointing at it', () => {
    expect(refused(forgejo(), forgejo({ retired: ['forgejo-db'] }))).toEqual([
      {
        path: 'pgfleet:databases[0].retired',
        value: ['forgejo-db'],
        allowed: 'at least one live generation',
        fix: 'keep a generation; to delete forgejo, set decommission: true first (README, "Decommission a database")',
      },
    ]);
  });

  test('decommission with consumers still wired is refused', () => {
    expect(refused(forgejo(), forgejo({ decommission: true }))).toEqual([
      {
        path: 'pgfleet:databases[0].consumers',
        value: ['forgejo'],
        allowed: 'no consumers: a database being decommissioned serves no application',
        fix: 'move the applications off forgejo and remove its consumers first, or drop decommission',
      },
    ]);
  });

  test('step 1: decommission lifts the protection, recorded in state; the plan names the next change', () => {
    const { next, diff } = change(withWiki([entryOf(forgejo())]), flagged);
    expect(next.state.databases.forgejo.decommission).toBe(true);
    expect(find(next)).toBe(true);
    expect(diff.databases[0].decommission).toEqual({ before: false, after: true });
    // Only the consumer wiring goes; the cluster and its backups are untouched.
    expect(diff.objects.map((o) => [o.op, o.kind, o.dataBearing])).toEqual(summary(diff).map(() => ['removed', expect.any(String), false]));
    expect(summary(diff)).toContain('- ExternalSecret/forgejo-database-url safe');
    expect(gateSummary(diff)).toBe('passes');
    expect(formatDiff([diff], 'text', { color: false })).toContain(
      '  decommissioning: Pulumi protects none of its generations; retiring the last one is allowed from the next change',
    );
    expect(buildPlan(diff).followUp).toContain(
      'once `pulumi up` has lifted the protection, retire every generation: add forgejo-db to pgfleet:databases[0].retired, synth, review `pgfleet diff`, `pulumi up`',
    );
  });

  test('retiring everything in the same change as decommission is refused: the protection must go first', () => {
    expect(refused(withWiki([entryOf(forgejo({ consumers: [] }))]), allRetired)).toEqual([
      {
        path: 'pgfleet:databases[0].retired',
        value: ['forgejo-db'],
        allowed: 'a live generation until decommission: true has been applied: Pulumi still protects forgejo-db',
        fix: 'first apply decommission: true alone with pulumi up (it lifts the protection); retire the generations in a later change',
      },
    ]);
  });

  test('step 2: every generation retired renders nothing of the database; the retire acknowledges the deletion', () => {
    const { base, next, diff } = change(flagged, allRetired);
    expect(next.objects.filter((o) => o.database === 'forgejo').map((o) => o.file)).toEqual([]);
    expect(next.state.databases.forgejo).toEqual({
      engine: 'cnpg',
      namespace: 'forgejo',
      serving: 'forgejo-db',
      retired: ['forgejo-db'],
      decommission: true,
      generations: {},
    });
    const removed = base.objects.filter((o) => o.database === 'forgejo').map((o) => `- ${o.manifest.kind}/${o.manifest.metadata.name}`);
    expect(diff.objects.every((o) => o.op === 'removed')).toBe(true);
    expect(diff.objects.map((o) => `- ${o.kind}/${o.name}`).sort()).toEqual([...new Set(removed)].sort());
    expect(gateSummary(diff)).toBe('passes: destroys-data:forgejo-db by retired');
    expect(formatDiff([diff], 'text', { color: false })).toContain(
      '  decommissioned: every generation retired, nothing of it is deployed; remove the entry next',
    );
    const plan = buildPlan(diff);
    expect(plan.manual).toContain(
      'delete the archive of forgejo-db (s3://dal-site-backups/indigo/forgejo/postgres/forgejo-db-pg17/) once its backups are no longer needed: pgfleet never deletes archives',
    );
    expect(plan.manual).toContain(
      'after the grace period, once nothing reads forgejo-db: `kubectl -n forgejo delete cluster forgejo-db` (the operator deletes its pods and PVCs; backups stay in the archive)',
    );
    expect(plan.followUp).toContain(
      'once the objects and archives above are deleted (or kept on purpose), remove the entry pgfleet:databases[0] from the stack',
    );
  });

  test('step 3: the entry goes, and with it the state', () => {
    const { next, diff } = change(allRetired, withoutEntry);
    expect(Object.keys(next.state.databases)).toEqual(['wiki']);
    expect(diff.objects).toEqual([]);
    expect(gateSummary(diff)).toBe('passes');
  });

  test('removing the entry while it has live generations is refused with the three steps', () => {
    expect(refused(flagged, withoutEntry).map((i) => i.fix)).toEqual([
      'add database forgejo back; to delete it, decommission it in three changes: decommission: true, then every generation in retired, then remove the entry (README, "Decommission a database")',
    ]);
  });

  test('a retired name cannot come back while the entry stays: its cluster and archive may still exist', () => {
    const back = withWiki([entryOf(forgejo({ decommission: true, consumers: [] }))]);
    expect(refused(allRetired, back).map((i) => [i.path, i.allowed])).toEqual([
      ['pgfleet:databases[0].generations[0].name', 'a name not used by a retired generation (its volumes or archive may still exist)'],
    ]);
  });

  test('a database never deployed may be listed decommissioned with nothing live', () => {
    expect(render(allRetired).state.databases.forgejo.generations).toEqual({});
  });
});

const find = (r: ReturnType<typeof render>) => r.resolved.databases[0].spec.decommission;
