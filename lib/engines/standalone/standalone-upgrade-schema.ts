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
    namespace: objectName(63).meta({ description: 'Namespace of the Deployment.', examples: ['web'] }),
    name: objectName(253).meta({ description: 'Deployment name.', examples: ['site'] }),
    replicas: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .meta({ description: 'Replicas to scale back to at cutover.', examples: [2] }),
    selector: labels.optional().meta({
      description:
        "The Deployment's pod labels (its `spec.selector.matchLabels`), to wait until its pods are gone. Default: { app: <name> }.",
      examples: [{ 'app.kubernetes.io/name': 'site' }],
    }),
  })
  .strict();

/** How an upgrade dumps and scales the writers. */
export const upgrade = z
  .object({
    dumpSize: quantity.optional().meta({
      description: "Size of the PVC `<generation>-dump` the dump is written to. Default: the data volume's size.",
      examples: ['30Gi'],
    }),
    kubectlImage: imageRef.default('registry.k8s.io/kubectl:v1.32.4').meta({
      description: 'Image running `kubectl scale` for the writers (its entrypoint must be kubectl).',
      examples: ['registry.k8s.io/kubectl:v1.33.1'],
    }),
    timeout: duration.default('10m').meta({ description: "How long scaling waits for writers' pods to stop or start.", examples: ['15m'] }),
    manualSteps: z
      .object({
        beforeDump: z
          .array(z.string().min(1))
          .default([])
          .meta({
            description: "Put on the writers-down Job, done before the upgrade's `pulumi up`.",
            examples: [['turn on the maintenance page']],
          }),
        afterCutover: z
          .array(z.string().min(1))
          .default([])
          .meta({ description: 'Put on the writers-up Job, done after the cutover.', examples: [['turn off the maintenance page']] }),
      })
      .strict()
      .default({ beforeDump: [], afterCutover: [] })
      .meta({ description: 'Steps outside Kubernetes, printed by `pgfleet plan` (e.g. the maintenance page).' }),
  })
  .strict();
