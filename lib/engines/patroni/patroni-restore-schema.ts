/**
 * The restore parts of a Patroni database's stack schema: the acknowledged in-place restore over a
 * live generation, and how a restore names its dump (a file, or the newest before a time).
 *
 * @see https://github.com/BCDevOps/backup-container
 */
import { z } from 'zod';
import type { TargetTime } from '../../config/target-time';
import { type consumer, issue, objectName, targetTime } from '../../config/schema-parts';
import { patroniNames } from './patroni-names';
import { image, runId } from './patroni-schema-parts';

/** A workload scaled to zero before a destructive in-place restore. */
const scaleTarget = z
  .object({
    kind: z
      .enum(['Deployment', 'StatefulSet', 'DeploymentConfig'])
      .default('Deployment')
      .meta({ description: 'Kind of the workload (`DeploymentConfig` on OpenShift).' }),
    name: objectName(63).meta({ description: "Name of the workload, in the database's namespace.", examples: ['hcap-server'] }),
  })
  .strict();

/**
 * Restore over a live generation (what `backup.sh -r` does: drop and recreate its database).
 * Destroys every write since the chosen dump; needs `destroys-data:<generation>` in `acknowledge`.
 */
export const inPlaceRestore = z
  .object({
    generation: objectName().meta({ description: 'The live generation whose database is replaced.', examples: ['hcap-patroni'] }),
    id: runId.meta({ description: "Names this restore's Jobs; a new id is a new restore.", examples: ['20261120'] }),
    backupFile: z
      .string()
      .min(1)
      .optional()
      .meta({
        description: "A dump under the generation's backup volume. Default: targetTime decides (one of the two is required).",
        examples: ['/backups/daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz'],
      }),
    targetTime: targetTime.optional().meta({
      description: 'The newest dump taken at or before this time. Default: backupFile decides.',
      examples: ['2026-11-20T08:00:00-08:00'],
    }),
    scaleDown: z
      .array(scaleTarget)
      .optional()
      .meta({ description: "Workloads scaled to zero first. Default: every consumer's app, as a Deployment." }),
    kubectlImage: image.default('registry.k8s.io/kubectl:v1.32.4').meta({
      description: "Image whose entrypoint is `kubectl`, for the scale-down Job (the standalone engine's default too).",
      examples: ['registry.k8s.io/kubectl:v1.33.1'],
    }),
  })
  .strict();

type ScaleTarget = z.output<typeof scaleTarget>;

/** Workloads a destructive restore scales to zero. */
export function scaleTargetsOf(
  restore: z.output<typeof inPlaceRestore>,
  consumers: readonly z.output<typeof consumer>[],
): readonly ScaleTarget[] {
  return restore.scaleDown ?? consumers.map((c) => ({ kind: 'Deployment' as const, name: c.app }));
}

/** `<dir>/<prefix>_<YYYY-MM-DD_HH-MM-SS>.sql.gz`, the only file name the backup-container writes. */
const DUMP_FILE = /^\/backups\/(.+\/)?([a-z0-9][-a-z0-9_]*)_(\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2})\.sql\.gz$/;

/** Refuses a `backupFile` that is not a dump of the source generation's one database. */
export function checkBackupFile(
  ctx: z.RefinementCtx,
  file: string,
  source: string,
  dbs: readonly string[],
  path: readonly (string | number)[],
): void {
  if (dbs.length > 1) {
    issue(
      ctx,
      `targetTime or latest when a generation has several databases (${dbs.join(', ')}): one file holds one database`,
      'use targetTime to restore every database from its dump before that time',
      [...path],
    );
    return;
  }
  const prefix = patroniNames.dumpPrefix(source, dbs[0]);
  const m = DUMP_FILE.exec(file);
  if (!m || m[2] !== prefix) {
    issue(
      ctx,
      `a dump of ${source}/${dbs[0]} under its backup volume: /backups/<daily|weekly|monthly>/<date>/${prefix}_<YYYY-MM-DD_HH-MM-SS>.sql.gz`,
      `copy the path from the backup Job's log or \`ls -R /backups\` in a backup pod, e.g. /backups/daily/2026-11-20/${prefix}_2026-11-20_02-00-00.sql.gz`,
      [...path],
    );
  }
}

/**
 * `2026-11-20_01-30-00`: the wall clock in `timeZone` at `time`, in the backup-container's
 * file-name format, so the restore Job compares dump names with plain string order.
 */
export function dumpStamp(time: TargetTime, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(time.epochMs));
  const p = (t: string) => parts.find((x) => x.type === t)!.value;
  return `${p('year')}-${p('month')}-${p('day')}_${p('hour')}-${p('minute')}-${p('second')}`;
}
