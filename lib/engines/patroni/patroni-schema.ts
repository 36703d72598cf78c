/**
 * Stack schema of a Patroni database (engine `patroni`): the bcgov Patroni image run as a
 * StatefulSet with the Kubernetes DCS, backed up by the BCDevOps backup-container as CronJobs.
 *
 * @see https://github.com/bcgov/patroni-postgres-container
 * @see https://github.com/BCDevOps/backup-container
 */
import { z } from 'zod';
import { generationBase } from '../../config/generation-base';
import { databaseBase, issue, storage } from '../../config/schema-parts';
import { backup } from './patroni-backup-schema';
import { backupRelease, checkBackupRelease, checkDumpPrefixes } from './patroni-backup-checks';
import { versionOfImage } from './backup-container-releases';
import { patroniCredentials } from './patroni-credentials-schema';
import { patroniNames } from './patroni-names';
import { checkBackupFile, inPlaceRestore } from './patroni-restore-schema';
import { image, resources, sqlName } from './patroni-schema-parts';

/** Kubernetes refuses CronJob names over 52 characters (Job names get an 11-character suffix). */
const CRONJOB_MAX = 52;
const NAME_MAX = 63;

/** A Pod label selector (`matchLabels`) of pods allowed to connect to PostgreSQL. */
const clientSelector = z
  .object({
    matchLabels: z
      .record(z.string().min(1), z.string())
      .refine((m) => Object.keys(m).length > 0, { message: 'at least one label' })
      .meta({ description: 'Labels the client pods carry.', examples: [{ app: 'hcap-server' }] }),
  })
  .strict();

const patroniGeneration = z.object({ ...generationBase(['backupFile', 'time', 'latest'], { upgradeFrom: true }) }).strict();

const patroniDatabaseFields = z
  .object({
    ...databaseBase,
    engine: z.literal('patroni').meta({ description: 'Patroni: a StatefulSet of the bcgov Patroni image per live generation.' }),
    generations: z
      .array(patroniGeneration)
      .min(1)
      .optional()
      .meta({ description: 'Generations (Patroni clusters) of this database. Default: one generation named after the database.' }),
    images: z.record(z.string().regex(/^(1[2-8])$/, { message: 'a PostgreSQL major from 12 to 18, as a string key' }), image).meta({
      description: 'The Patroni image per PostgreSQL major (a string key).',
      examples: [{ '12': 'image-registry.openshift-image-registry.svc:5000/bcgov/patroni-postgres:2.0.1-12.4-latest' }],
    }),
    replicas: z
      .number()
      .int()
      .min(1)
      .max(9)
      .default(3)
      .meta({ description: 'Patroni members per generation.', examples: [2] }),
    storage: storage.meta({ description: 'Data volume of each member.' }),
    database: sqlName.meta({
      description: "The application database the image's post_init creates (APP_DATABASE), read by consumers.",
      examples: ['hcap'],
    }),
    credentials: patroniCredentials.meta({ description: 'Where the superuser, replication and application logins come from.' }),
    parameters: z
      .object({
        maxConnections: z
          .number()
          .int()
          .min(1)
          .optional()
          .meta({ description: '`max_connections` (POSTGRESQL_MAX_CONNECTIONS). Default: 100 (image default).', examples: [200] }),
        maxPreparedTransactions: z
          .number()
          .int()
          .min(0)
          .optional()
          .meta({
            description: '`max_prepared_transactions` (POSTGRESQL_MAX_PREPARED_TRANSACTIONS). Default: 0 (image default).',
            examples: [100],
          }),
        maxLocksPerTransaction: z
          .number()
          .int()
          .min(10)
          .optional()
          .meta({
            description: '`max_locks_per_transaction` (POSTGRESQL_MAX_LOCKS_PER_TRANSACTION). Default: 64 (image default).',
            examples: [128],
          }),
      })
      .strict()
      .prefault({})
      .meta({
        description: "Bootstrap parameters the image's entrypoint reads (POSTGRESQL_MAX_*); they apply when a generation is created.",
      }),
    resources: resources({ requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } }).meta({
      description: 'Resources of the Patroni container. Default: requests 250m/512Mi, limit 1Gi.',
    }),
    platform: z.enum(['kubernetes', 'openshift']).default('kubernetes').meta({
      description:
        "`openshift`: leave user and group ids to the restricted SCC, which assigns them from the namespace's range (both images support arbitrary uids).",
    }),
    network: z
      .object({
        clients: z
          .array(clientSelector)
          .default([])
          .meta({ description: 'Pods (besides the members and the backup pods) allowed to reach port 5432.' }),
      })
      .strict()
      .prefault({})
      .meta({ description: 'Who may reach PostgreSQL besides the members and the backup pods.' }),
    backup: backup.meta({ description: 'Dumps with the backup-container, their verification and one-off dumps.' }),
    inPlaceRestore: inPlaceRestore
      .optional()
      .meta({ description: 'The acknowledged destructive restore over a live generation. Default: none.' }),
  })
  .strict();

export const patroniDatabase = patroniDatabaseFields.superRefine((db, ctx) => checkDatabase(db, ctx));

export type PatroniDatabaseSpec = z.output<typeof patroniDatabase>;
export type PatroniGenerationSpec = z.output<typeof patroniGeneration>;
export type PatroniBackupSpec = PatroniDatabaseSpec['backup'];
export type PatroniInPlaceRestoreSpec = NonNullable<PatroniDatabaseSpec['inPlaceRestore']>;
export type PatroniScaleTarget = NonNullable<PatroniInPlaceRestoreSpec['scaleDown']>[number];

/** Databases the backup-container dumps for this database entry. */
export function backedUpDatabases(spec: Pick<PatroniDatabaseSpec, 'database' | 'backup'>): readonly string[] {
  return spec.backup.databases ?? [spec.database];
}

function checkDatabase(db: z.output<typeof patroniDatabaseFields>, ctx: z.RefinementCtx): void {
  const gens = db.generations ?? [{ name: db.name }];
  const names = gens.map((g) => g.name);
  const dbs = backedUpDatabases(db);

  // Images: every major a generation can run needs one.
  const majors = new Set([
    db.postgresVersion,
    ...gens.flatMap((g) => ('postgresVersion' in g && g.postgresVersion !== undefined ? [g.postgresVersion] : [])),
  ]);
  for (const m of [...majors].sort()) {
    if (!db.images[String(m)]) {
      issue(
        ctx,
        `an image for every major a generation runs (${[...majors].sort().join(', ')}); have: ${Object.keys(db.images).join(', ') || '(none)'}`,
        `add images."${m}": <registry>/patroni-postgres:<tag for PostgreSQL ${m}>`,
        ['images'],
      );
    }
  }

  const release = backupRelease(db.backup, ctx);
  if (release) checkBackupRelease(db.backup, release, db.backup.imageVersion ?? versionOfImage(db.backup.image)!, [...majors], ctx);
  checkDumpPrefixes(names, dbs, ctx);

  const seenKeys = new Map<string, string>();
  dbs.forEach((d, i) => {
    const key = patroniNames.dbKey(d);
    if (seenKeys.has(key))
      issue(
        ctx,
        `database names that stay distinct in object names (${seenKeys.get(key)} and ${d} both become "${key}")`,
        'list each database once',
        ['backup', 'databases', i],
      );
    seenKeys.set(key, d);
  });

  // Names built from generation, database and run ids must fit Kubernetes' limits. zod prefixes
  // an issue's path array in place, so each issue gets a copy of its own.
  const tooLong = (name: string, max: number, path: readonly (string | number)[], what: string) => {
    if (name.length > max)
      issue(
        ctx,
        `names up to ${max} characters; the ${what} would be "${name}" (${name.length})`,
        'shorten the generation name, the database name or the id',
        [...path],
      );
  };
  gens.forEach((g, gi) => {
    const gpath = db.generations ? ['generations', gi, 'name'] : ['name'];
    for (const d of dbs) {
      tooLong(patroniNames.backupCronJob(g.name, d), CRONJOB_MAX, gpath, 'backup CronJob');
      tooLong(patroniNames.restoreJob(g.name, d), NAME_MAX, gpath, 'restore Job');
      tooLong(patroniNames.upgradeJob(g.name, d), NAME_MAX, gpath, 'upgrade Job');
    }
    if (db.backup.onDemand)
      for (const d of dbs)
        tooLong(patroniNames.onDemandJob(g.name, d, db.backup.onDemand.id), NAME_MAX, ['backup', 'onDemand', 'id'], 'on-demand backup Job');
  });

  // Retention: a rolling count of 0 makes backup.sh delete the dump it just wrote.
  const r = db.backup.retention;
  if (db.backup.strategy === 'rolling') {
    if (r.total !== undefined)
      issue(
        ctx,
        'daily, weekly and monthly with the rolling strategy (total counts the daily strategy)',
        'remove total, or set strategy: daily',
        ['backup', 'retention', 'total'],
      );
    for (const k of ['daily', 'weekly'] as const) {
      if (r[k] === 0)
        issue(
          ctx,
          `at least 1: backup.sh files ${k === 'daily' ? 'Monday–Saturday' : 'Sunday'} dumps as ${k} and prunes down to this count right after writing, so 0 deletes each new ${k} dump`,
          `set retention.${k}: 1 or more`,
          ['backup', 'retention', k],
        );
    }
  } else {
    for (const k of ['daily', 'weekly', 'monthly'] as const) {
      if (r[k] !== undefined)
        issue(
          ctx,
          'total with the daily strategy (daily, weekly and monthly count the rolling strategy)',
          `remove ${k}, or set strategy: rolling`,
          ['backup', 'retention', k],
        );
    }
  }

  if (db.backup.verification.schedule.trim() === db.backup.schedule.trim()) {
    issue(
      ctx,
      'a verification schedule apart from the backup schedule: a verification running beside a dump reads the volume while it is written',
      'move verification.schedule an hour or two after backup.schedule',
      ['backup', 'verification', 'schedule'],
    );
  }

  const onDemand = db.backup.onDemand;
  if (onDemand?.generation !== undefined && !names.includes(onDemand.generation)) {
    issue(
      ctx,
      `a generation of ${db.name}: ${names.join(', ')}`,
      'name the generation to back up, or leave generation out for the serving one',
      ['backup', 'onDemand', 'generation'],
    );
  }

  if (db.consumers.length > 0 && db.network.clients.length === 0) {
    issue(
      ctx,
      `network.clients selecting the pods of ${db.consumers.map((c) => c.app).join(', ')}: each generation's NetworkPolicy admits only its members, the backup pods and these clients`,
      'add network.clients: [{matchLabels: {<label of the consumer pods>: <value>}}]',
      ['network', 'clients'],
    );
  }

  // restoreFrom: a backupFile names one dump of one database of the source generation.
  gens.forEach((g, gi) => {
    const from = 'restoreFrom' in g ? g.restoreFrom : undefined;
    if (!from?.backupFile) return;
    const path = [...(db.generations ? ['generations', gi] : []), 'restoreFrom', 'backupFile'];
    checkBackupFile(ctx, from.backupFile, from.generation, dbs, path);
  });

  const ip = db.inPlaceRestore;
  if (ip) {
    if (!names.includes(ip.generation) || db.retired.includes(ip.generation)) {
      issue(
        ctx,
        `a live generation of ${db.name}: ${names.filter((n) => !db.retired.includes(n)).join(', ')}`,
        'name the generation whose database is replaced',
        ['inPlaceRestore', 'generation'],
      );
    }
    const ack = `destroys-data:${ip.generation}`;
    if (!db.acknowledge.includes(ack)) {
      issue(
        ctx,
        `an acknowledged destructive restore: inPlaceRestore drops ${ip.generation}'s database and loads a dump over it, losing every write since that dump`,
        `restore into a new generation instead (generations: [{name: <new>, restoreFrom: {generation: ${ip.generation}, ...}}]); or, to replace the live data, add "${ack}" to acknowledge`,
        ['inPlaceRestore'],
      );
    }
    if (ip.backupFile === undefined && ip.targetTime === undefined) {
      issue(
        ctx,
        'backupFile or targetTime: the restore first takes a dump of the live database, so "latest" would load that dump back',
        'name the dump (backupFile) or the time to go back to (targetTime)',
        ['inPlaceRestore'],
      );
    }
    if (ip.backupFile !== undefined && ip.targetTime !== undefined) {
      issue(ctx, 'one of backupFile or targetTime', 'keep one of them', ['inPlaceRestore', 'targetTime']);
    }
    if (ip.backupFile !== undefined) checkBackupFile(ctx, ip.backupFile, ip.generation, dbs, ['inPlaceRestore', 'backupFile']);
    for (const d of dbs) {
      tooLong(patroniNames.preRestoreJob(ip.generation, d, ip.id), NAME_MAX, ['inPlaceRestore', 'id'], 'pre-restore backup Job');
      tooLong(patroniNames.inPlaceRestoreJob(ip.generation, d, ip.id), NAME_MAX, ['inPlaceRestore', 'id'], 'restore Job');
    }
    tooLong(patroniNames.scaleDown(ip.generation, ip.id), NAME_MAX, ['inPlaceRestore', 'id'], 'scale-down Job');
  }
}
