/**
 * Building blocks the parts of a Patroni database's stack schema share: SQL names, run ids,
 * pinned image references and container resources.
 */
import { z } from 'zod';
import { issue, quantity } from '../../config/schema-parts';

/** A database name: a SQL identifier short enough for the Job names built from it. */
export const sqlName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, { message: 'a lower-case SQL identifier: letters, digits and "_", starting with a letter' })
  .max(30, { message: 'at most 30 characters, so Job and CronJob names built from it stay within Kubernetes limits' });

/** A one-off run id: part of Job names, so a new id is a new Job. */
export const runId = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'lower-case letters, digits and "-", e.g. 20261120 or before-upgrade' })
  .max(20, { message: 'at most 20 characters' });

/** An image reference with an explicit tag or digest. */
export const image = z.string().superRefine((v, ctx) => {
  const lastSegment = v.slice(v.lastIndexOf('/') + 1);
  if (/^[a-z0-9][\w./:@-]*$/i.test(v) && (lastSegment.includes(':') || v.includes('@sha256:'))) return;
  issue(
    ctx,
    'an image reference with an explicit tag or digest, e.g. registry/patroni-postgres:2.0.1-12.4-latest',
    `add the tag you vetted, e.g. "${v}:<tag>"`,
  );
});

const resourceList = z
  .object({
    cpu: z
      .string()
      .regex(/^[0-9]+(\.[0-9]+)?m?$/, { message: 'a CPU quantity such as 500m or 2' })
      .optional()
      .meta({ description: 'CPU. Default: unset.', examples: ['500m', '2'] }),
    memory: quantity.optional().meta({ description: 'Memory. Default: unset.', examples: ['512Mi'] }),
  })
  .strict();

/** Container resources; omitted entries are left unset. */
export const resources = (defaults: { requests: { cpu: string; memory: string }; limits: { memory: string } }) =>
  z
    .object({
      requests: resourceList.default(defaults.requests).meta({ description: 'Resource requests of the container.' }),
      limits: resourceList.default(defaults.limits).meta({ description: 'Resource limits of the container.' }),
    })
    .strict()
    .prefault({});
