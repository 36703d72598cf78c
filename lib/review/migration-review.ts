/**
 * What the review says about an engine migration beyond its objects. The copy is a snapshot:
 * whatever the source's writers write after it never reaches the new generation, and is lost
 * for good once consumers cut over. That is a `destroys-data` change of the *source* generation,
 * gated like any other (`acknowledge: [destroys-data:<source>]`), unless the writers are stopped
 * from before `pulumi up` until the cutover; the plan says how, and how to check the copy.
 */
import { ROW_COUNTS_SQL } from '../model/migration-checks';
import type { DatabaseDiff, ObjectDiff } from './diff-types';
import { generationRecord, stateChange } from './generation-record';

/** A generation record of each source a new generation is copied from in this change. */
export function migrationRecords(databases: readonly DatabaseDiff[]): ObjectDiff[] {
  const out: ObjectDiff[] = [];
  for (const d of databases) {
    const apps = d.consumers.map((c) => c.app);
    const writers = apps.length ? apps.join(', ') : `the applications writing to ${d.name}`;
    for (const g of d.generations) {
      const b = g.after?.bootstrap;
      if (g.status !== 'new' || b?.kind !== 'migrate') continue;
      const src = b.source;
      const scale = apps.length
        ? apps.map((a) => `\`kubectl -n ${d.namespace} scale deployment/${a} --replicas=0\``).join(', ')
        : `scale ${writers} to zero`;
      const why =
        `${g.name} is a copy of ${src} as of the import's snapshot: what ${writers} ${apps.length === 1 ? 'writes' : 'write'} to ${src} after it ` +
        `is not in ${g.name}, and is lost once consumers cut over, unless they stay stopped from \`pulumi up\` to the cutover`;
      const steps = [
        {
          section: 'before' as const,
          text:
            `stop the writers of ${src} before \`pulumi up\` and keep them stopped until the cutover is applied: ${scale} ` +
            `(and pause cron jobs that write); or, where losing those writes is accepted (a trial copy), note when \`pulumi up\` ` +
            `ran: the cutover drops every write to ${src} after it`,
        },
        {
          section: 'check' as const,
          text:
            `compare ${src} and ${g.name} in each copied database before the cutover (docs/migration.md#checking-the-copy): ` +
            `row counts (\`psql -Atc "${ROW_COUNTS_SQL}"\` on both, then \`diff\`), owners, extensions and sequence values; ` +
            `with writers stopped they match exactly (a microservice import gives every object to the new cluster's owner)`,
        },
      ];
      const copied = stateChange('copiedTo', undefined, `${g.name} (${g.after!.engine ?? d.engine}, ${b.method})`, why, { steps });
      out.push(generationRecord(d, src, [copied], `${g.name}.migrateFrom`));
    }
  }
  return out;
}

/**
 * Once no live generation runs on the database's own engine any more (the last one retired after
 * a migration), the entry can become a plain entry of the engine its generations run on.
 */
export function foldStep(d: DatabaseDiff): string | undefined {
  const live = d.generations.filter((g) => g.status !== 'retired' && g.after);
  const engines = [...new Set(live.map((g) => g.after!.engine ?? d.engine))];
  if (!d.generations.some((g) => g.status === 'retired') || engines.length !== 1 || engines[0] === d.engine) return undefined;
  const [engine] = engines;
  return (
    `optionally, once the retired generations are gone, make ${d.path} a plain ${engine} entry: engine: ${engine}, ` +
    `the ${engine} block's settings moved to the entry, the ${d.engine} settings and retired generations removed ` +
    `(docs/migration.md#after-the-move; ${live.map((g) => g.name).join(', ')} ${live.length === 1 ? 'keeps its' : 'keep their'} ` +
    'objects byte for byte)'
  );
}
