/**
 * The network part of a standalone database's stack schema: the pods, beside pgfleet's own Jobs
 * and the writers, that may connect to the servers.
 */
import { z } from 'zod';
import { objectName } from '../../config/schema-parts';
import { labels } from './standalone-schema-parts';

/** Pods, beside pgfleet's own Jobs and the writers, that may connect to port 5432. */
const peer = z
  .object({
    namespace: objectName(63).meta({ description: 'Namespace of the pods.', examples: ['web'] }),
    podLabels: labels
      .optional()
      .meta({ description: 'Labels of the pods. Default: every pod of the namespace.', examples: [{ app: 'site' }] }),
  })
  .strict();
/** Who else may connect (writers and pgfleet's Jobs always may). */
export const network = z
  .object({
    allowFrom: z
      .array(peer)
      .default([])
      .meta({ description: "Pods besides pgfleet's Jobs and the writers; every consumer must be among them (or a writer)." }),
  })
  .strict();
