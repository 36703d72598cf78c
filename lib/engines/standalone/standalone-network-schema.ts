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
    /** Namespace of the pods. */
    namespace: objectName(63),
    /** @default - every pod of the namespace */
    podLabels: labels.optional(),
  })
  .strict();
/** Who else may connect (writers and pgfleet's Jobs always may). */
export const network = z
  .object({
    /** Pods besides pgfleet's Jobs and the writers; every consumer must be among them (or a writer). @default [] */
    allowFrom: z.array(peer).default([]),
  })
  .strict();
