/**
 * The pods and roles of a Crunchy PGO database's stack schema: PGO instance sets (replicas, data
 * volume, resources) and the PostgreSQL users PGO creates, whose Secrets consumers read.
 *
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/references/crd/5.8.x/postgrescluster
 */
import { z } from 'zod';
import { issue, quantity, storage } from '../../config/schema-parts';

/** CPU as Kubernetes writes it: `200m`, `1`, `0.5`. */
const cpu = z.string().regex(/^[0-9]+(\.[0-9]+)?m?$/, { message: 'a CPU quantity such as 200m or 1' });
const computeResources = z
  .object({
    cpu: cpu.optional().meta({ description: 'CPU. Default: none.', examples: ['500m'] }),
    memory: quantity.optional().meta({ description: 'Memory. Default: none.', examples: ['1Gi'] }),
  })
  .strict();

/** A set of PostgreSQL pods (PGO instance set). */
export const instanceSet = z
  .object({
    name: z
      .string()
      .max(15)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'lower-case letters, digits and "-"' })
      .default('instance1')
      .meta({ description: 'Instance set name; part of every pod and PVC name.', examples: ['pgha1'] }),
    replicas: z
      .number()
      .int()
      .min(1)
      .max(9)
      .default(1)
      .meta({ description: 'Pods in the set (one primary in the cluster, the rest replicas).', examples: [2] }),
    storage: storage.optional().meta({ description: "Data volume of each pod. Default: the database's storage." }),
    requests: computeResources.optional().meta({ description: 'Resource requests of the database container. Default: none.' }),
    limits: computeResources.optional().meta({ description: 'Resource limits of the database container. Default: none.' }),
  })
  .strict();

/** A PostgreSQL role PGO creates; its credentials land in Secret `<cluster>-pguser-<name>`. */
export const user = z
  .object({
    name: z
      .string()
      .max(63)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'lower-case letters, digits and "-" (PGO puts it into a Secret name)' })
      .meta({ description: 'Role name; part of the Secret name.', examples: ['api'] }),
    databases: z
      .array(z.string().min(1).max(63))
      .default([])
      .meta({
        description: "Databases the role may connect to and create objects in; the first one is in the Secret's `uri`.",
        examples: [['jobstore']],
      }),
    options: z
      .string()
      .max(200)
      .superRefine((v, ctx) => {
        if (v.includes(';')) issue(ctx, 'role options without ";"', 'remove the ";": PGO refuses it');
        if (/PASSWORD/i.test(v)) issue(ctx, 'role options without PASSWORD: PGO generates the password', 'remove PASSWORD ...');
        if (/--|\/\*|\*\//.test(v)) issue(ctx, 'role options without SQL comments', 'remove the comment');
      })
      .optional()
      .meta({ description: '`ALTER ROLE` options. Default: none.', examples: ['CREATEDB'] }),
    passwordType: z
      .enum(['ASCII', 'AlphaNumeric'])
      .optional()
      .meta({ description: "Characters of the generated password. Default: PGO's ASCII." }),
  })
  .strict();
