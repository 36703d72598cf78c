/**
 * The upgrade part of a standalone database's stack schema: the writers scaled to zero while an
 * upgrade dumps, and how the scaling runs (kubectl image, timeout, steps outside Kubernetes).
 */
import { z } from 'zod';
import { duration, objectName, quantity } from '../../config/schema-parts';
import { imageRef } from './standalone-image-schema';
import { labels } from './standalone-schema-parts';

/** A Deployment that writes to the database: scaled to zero while an upgrade dumps, back after cutover. */
export const writer = z
  .object({
    /** Namespace of the Deployment. */
    namespace: objectName(63),
    /** Deployment name. */
    name: objectName(253),
    /** Replicas to scale back to at cutover. */
    replicas: z.number().int().min(1).max(1000),
    /** The Deployment's pod labels (its `spec.selector.matchLabels`), to wait until its pods are gone. @default { app: <name> } */
    selector: labels.optional(),
  })
  .strict();

/** How an upgrade dumps and scales the writers. */
export const upgrade = z
  .object({
    /** Size of the PVC `<generation>-dump` the dump is written to. @default - the data volume's size */
    dumpSize: quantity.optional(),
    /** Image running `kubectl scale` for the writers (its entrypoint must be kubectl). @default registry.k8s.io/kubectl:v1.32.4 */
    kubectlImage: imageRef.default('registry.k8s.io/kubectl:v1.32.4'),
    /** How long scaling waits for writers' pods to stop or start. @default 10m */
    timeout: duration.default('10m'),
    /** Steps outside Kubernetes, printed by `pgfleet plan` (e.g. the maintenance page). @default { beforeDump: [], afterCutover: [] } */
    manualSteps: z
      .object({
        /** Put on the writers-down Job, done before the upgrade's `pulumi up`. @default [] */
        beforeDump: z.array(z.string().min(1)).default([]),
        /** Put on the writers-up Job, done after the cutover. @default [] */
        afterCutover: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ beforeDump: [], afterCutover: [] }),
  })
  .strict();
