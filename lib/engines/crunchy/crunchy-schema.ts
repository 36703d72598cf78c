/**
 * Stack schema of a Crunchy PGO database (engine `crunchy`): one `PostgresCluster`
 * (`postgres-operator.crunchydata.com/v1beta1`, served by PGO v5 and v6) per live generation,
 * with pgBackRest repositories, schedules and retention, PostgreSQL users, one-off backups,
 * point-in-time restores into a new generation, an explicitly acknowledged in-place restore, and
 * phased major upgrades through `PGUpgrade`.
 *
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/references/crd/5.8.x/postgrescluster
 */
import { z } from 'zod';
import { generationBase } from '../../config/generation-base';
import { databaseBase, issue, storage } from '../../config/schema-parts';
import { instanceSet, user } from './crunchy-instance-schema';
import { backups, repoName } from './crunchy-repo-schema';
import { checkBackupSetForName, checkRestorePointName, restoreInPlace } from './crunchy-restore-schema';
import { upgrade } from './crunchy-upgrade-schema';
import { refusedBy } from './crunchy-parameters';

const crunchyGeneration = z
  .object({
    ...generationBase(['time', 'lsn', 'name', 'latest'], { backupSet: true }),
    restoreRepo: repoName
      .optional()
      .meta({ description: 'Repository of the source generation the restore reads. Default: the first repository.', examples: ['repo2'] }),
    image: z
      .string()
      .min(1)
      .optional()
      .meta({
        description: "PostgreSQL image. Default: PGO's RELATED_IMAGE_POSTGRES_<postgresVersion>.",
        examples: ['registry.developers.crunchydata.com/crunchydata/crunchy-postgres:ubi9-17.6-2534'],
      }),
    upgrade: upgrade.optional().meta({ description: 'Major upgrade of this generation in place, phase by phase. Default: none.' }),
    restoreInPlace: restoreInPlace
      .optional()
      .meta({ description: "Overwrite this generation's data from its own backups (destructive). Default: none." }),
  })
  .strict()
  .superRefine((g, ctx) => {
    checkRestorePointName(ctx, g.restoreFrom?.targetName, ['restoreFrom', 'targetName']);
    if (g.restoreFrom) checkBackupSetForName(ctx, g.restoreFrom, g.restoreFrom.generation, ['restoreFrom']);
    if (g.upgrade && g.restoreFrom) {
      issue(
        ctx,
        'upgrade on a generation that is not being restored: a restore replays WAL of the source major',
        'let the restore finish and remove restoreFrom, then upgrade in a later change',
        ['upgrade'],
      );
    }
    if (g.upgrade && g.restoreInPlace) {
      issue(ctx, 'upgrade or restoreInPlace, not both', 'finish one change before starting the other', ['restoreInPlace']);
    }
    if (g.restoreRepo !== undefined && g.restoreFrom === undefined) {
      issue(ctx, 'restoreRepo only with restoreFrom', 'remove restoreRepo, or add restoreFrom', ['restoreRepo']);
    }
    const u = g.upgrade;
    if (u?.transferMethod === 'CopyFileRange' && u.to < 17) {
      issue(ctx, 'Copy, Link or Clone below PostgreSQL 17 (CopyFileRange needs pg_upgrade 17)', 'choose Copy, Link or Clone', [
        'upgrade',
        'transferMethod',
      ]);
    }
    if (u && g.image !== undefined && u.postgresImage === undefined) {
      issue(
        ctx,
        `upgrade.postgresImage: this generation pins image ${g.image}, which runs the old major`,
        `add upgrade.postgresImage with a PostgreSQL ${u.to} image`,
        ['upgrade', 'postgresImage'],
      );
    }
  });

export type CrunchyGenerationSpec = z.output<typeof crunchyGeneration>;

/** Pods that may open connections to the database (port 5432). */
const networkPolicy = z
  .object({
    clients: z
      .array(
        z.record(z.string().min(1), z.string()).superRefine((labels, ctx) => {
          if (Object.keys(labels).length === 0)
            issue(
              ctx,
              'at least one label: an empty selector admits every pod of the namespace',
              "name the client pods' labels, e.g. {name: api}",
            );
        }),
      )
      .min(1)
      .meta({ description: 'Label sets of client pods.', examples: [[{ name: 'api' }]] }),
  })
  .strict();

/** A Crunchy PGO database: one PostgresCluster per live generation. */
export const crunchyDatabase = z
  .object({
    ...databaseBase,
    engine: z.literal('crunchy').meta({ description: 'Crunchy PGO v5: one `PostgresCluster` per live generation.' }),
    generations: z
      .array(crunchyGeneration)
      .min(1)
      .optional()
      .meta({ description: 'Generations (PostgresClusters) of this database. Default: one generation named after the database.' }),
    storage: storage.meta({ description: 'Data volume of each PostgreSQL pod.' }),
    instances: z
      .array(instanceSet)
      .min(1)
      .max(16)
      .default([{ name: 'instance1', replicas: 1 }])
      .meta({ description: 'Instance sets: groups of PostgreSQL pods with their own replicas, volume and resources.' }),
    users: z.array(user).min(1).max(64).meta({
      description: "Roles PGO creates. Required: PGO's default role is named after the cluster, which changes with every generation.",
    }),
    parameters: z
      .record(z.string(), z.string())
      .default({})
      .meta({ description: "postgresql.conf parameters (Patroni dynamic configuration); the ones PGO's CRD refuses are refused." }),
    backups: backups.meta({ description: 'pgBackRest repositories, options and one-off backups.' }),
    networkPolicy: networkPolicy
      .optional()
      .meta({ description: "Render a NetworkPolicy admitting only these clients (and the database's own pods). Default: none." }),
  })
  .strict()
  .superRefine((db, ctx) => {
    const gens = db.generations ?? [{ name: db.name } as CrunchyGenerationSpec];
    const genPath = (i: number, ...rest: (string | number)[]) => (db.generations ? ['generations', i, ...rest] : rest);
    const repoNames = db.backups.repos.map((r) => r.name);
    const live = gens.filter((g) => !db.retired.includes(g.name)).map((g) => g.name);
    const ack = new Set(db.acknowledge);

    // Consumers: each reads `<cluster>-pguser-<user>`, which PGO writes with a uri only for a user with a database.
    const users = new Map(db.users.map((u) => [u.name, u]));
    db.consumers.forEach((c, i) => {
      const name = c.user ?? db.users[0].name;
      const u = users.get(name);
      if (!u) {
        issue(ctx, `a user of this database: ${[...users.keys()].join(', ')}`, 'name a user listed in users, or add it there', [
          'consumers',
          i,
          'user',
        ]);
      } else if (u.databases.length === 0) {
        issue(
          ctx,
          `a user with at least one database: PGO writes the "uri" key of <cluster>-pguser-${name} only then`,
          `add databases: [...] to user ${name}`,
          ['consumers', i, 'user'],
        );
      }
    });
    db.users.forEach((u, i) => {
      if (db.users.findIndex((x) => x.name === u.name) !== i) issue(ctx, 'each user once', 'merge the two entries', ['users', i, 'name']);
    });
    db.instances.forEach((s, i) => {
      if (db.instances.findIndex((x) => x.name === s.name) !== i)
        issue(ctx, 'each instance set name once', 'rename one of them', ['instances', i, 'name']);
    });
    // The CRD's rules on spec.config.parameters, for the parameters pgfleet passes through Patroni.
    const oldest = Math.min(
      ...gens.map((g) => (g.upgrade?.phase === 'complete' ? g.upgrade.to : (g.postgresVersion ?? db.postgresVersion))),
    );
    for (const [key, value] of Object.entries(db.parameters)) {
      for (const rule of refusedBy(key, value, oldest)) {
        issue(ctx, `a parameter PGO accepts: ${rule.message}`, rule.fix.replace(/^remove it/, `remove ${key}`), ['parameters', key]);
      }
    }

    const manual = db.backups.manual;
    if (manual?.repoName !== undefined && !repoNames.includes(manual.repoName)) {
      issue(ctx, `a repository of this database: ${repoNames.join(', ')}`, 'name a repository listed in backups.repos', [
        'backups',
        'manual',
        'repoName',
      ]);
    }
    if (manual?.generation !== undefined && !live.includes(manual.generation)) {
      issue(ctx, `a live generation: ${live.join(', ')}`, 'name a generation listed in generations and not retired', [
        'backups',
        'manual',
        'generation',
      ]);
    }

    gens.forEach((g, i) => {
      if (g.restoreRepo !== undefined && !repoNames.includes(g.restoreRepo)) {
        issue(
          ctx,
          `a repository of this database: ${repoNames.join(', ')}`,
          'name a repository listed in backups.repos',
          genPath(i, 'restoreRepo'),
        );
      }
      if (g.restoreInPlace) {
        const phrase = `destroys-data:${g.name}`;
        if (g.restoreInPlace.repoName !== undefined && !repoNames.includes(g.restoreInPlace.repoName)) {
          issue(
            ctx,
            `a repository of this database: ${repoNames.join(', ')}`,
            'name a repository listed in backups.repos',
            genPath(i, 'restoreInPlace', 'repoName'),
          );
        }
        if (!ack.has(phrase)) {
          issue(
            ctx,
            `an in-place restore only when acknowledged: PGO stops ${g.name} and overwrites its data with the restored backup`,
            `add "${phrase}" to acknowledge; or restore into a new generation with restoreFrom, which leaves ${g.name} untouched`,
            genPath(i, 'restoreInPlace'),
          );
        }
      }
      if (g.upgrade) {
        const from = g.postgresVersion ?? db.postgresVersion;
        if (g.upgrade.to <= from) {
          issue(
            ctx,
            `a major above ${from}, the version ${g.name} runs now`,
            `set upgrade.to above ${from}, or remove upgrade`,
            genPath(i, 'upgrade', 'to'),
          );
        }
      }
      const source = g.restoreFrom ? gens.find((s) => s.name === g.restoreFrom!.generation) : undefined;
      if (source?.upgrade) {
        issue(
          ctx,
          `a source generation that is not being upgraded (${source.name} is in phase ${source.upgrade.phase}: shut down or on a new major)`,
          `finish the upgrade of ${source.name} (postgresVersion: ${source.upgrade.to}, remove upgrade) first, or restore from another generation`,
          genPath(i, 'restoreFrom', 'generation'),
        );
      }
    });
  });

export type CrunchyDatabaseSpec = z.output<typeof crunchyDatabase>;
export type CrunchyRepoSpec = CrunchyDatabaseSpec['backups']['repos'][number];
