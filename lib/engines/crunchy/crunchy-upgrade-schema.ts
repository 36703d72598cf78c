/**
 * The major upgrade of a Crunchy PGO database's stack schema: PGO's `PGUpgrade`, in two phases.
 *
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/guides/major-postgres-version-upgrade
 */
import { z } from 'zod';
import { postgresMajor } from '../../config/schema-parts';

/** pg_upgrade file transfer methods PGUpgrade accepts. */
export const TRANSFER_METHODS = ['Copy', 'Link', 'Clone', 'CopyFileRange'] as const;

/**
 * A major upgrade in two phases (PGO's `PGUpgrade`): `prepare` renders the PGUpgrade, the
 * `allow-upgrade` annotation and `shutdown: true` (PGO then runs pg_upgrade); `complete` starts
 * the cluster on `to` (`postgresVersion: <to>`, `shutdown: false`). Afterwards set the
 * generation's postgresVersion to `to` and remove `upgrade`.
 */
export const upgrade = z
  .object({
    to: postgresMajor.meta({ description: 'The new major version.', examples: [17] }),
    phase: z.enum(['prepare', 'complete']).meta({ description: '`prepare`, then (after the PGUpgrade succeeded) `complete`.' }),
    image: z
      .string()
      .min(1)
      .optional()
      .meta({
        description: "The `crunchy-upgrade` image. Default: PGO's RELATED_IMAGE_PGUPGRADE.",
        examples: ['registry.developers.crunchydata.com/crunchydata/crunchy-upgrade:ubi9-5.8.2-0'],
      }),
    transferMethod: z.enum(TRANSFER_METHODS).optional().meta({
      description:
        "pg_upgrade's transfer method: `Copy` needs room for a second copy of the data on the data volume; `Link` needs none, but once pg_upgrade has run the old data directory no longer starts. Default: PGO's choice (PGO releases before this field always ran pg_upgrade --link).",
    }),
    jobs: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: 'pg_upgrade `--jobs`. Default: 1.', examples: [4] }),
    postgresImage: z
      .string()
      .min(1)
      .optional()
      .meta({
        description:
          "PostgreSQL image of the new major, required when the generation pins `image`. Default: PGO's RELATED_IMAGE_POSTGRES_<to>.",
        examples: ['registry.developers.crunchydata.com/crunchydata/crunchy-postgres:ubi9-17.6-2534'],
      }),
  })
  .strict();
