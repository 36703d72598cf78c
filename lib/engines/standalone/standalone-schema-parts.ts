/**
 * Building blocks the parts of a standalone database's stack schema share: Secret keys, label
 * sets and the generation fields the database-wide checks read.
 */
import { z } from 'zod';

/** A key of a Secret. */
export const secretKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, { message: 'a Secret key: letters, digits, "-", "_" or "."' });
/** A label set, as pod selectors match it. */
export const labels = z.record(
  z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, { message: 'a label key' }),
  z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/, { message: 'a label value' }),
);

/** What the database-wide checks read of a generation, before its own schema's defaults apply. */
export interface GenerationInput {
  readonly name: string;
  readonly postgresVersion?: number;
  readonly restoreFrom?: { readonly generation: string };
  readonly upgradeFrom?: { readonly generation: string };
}
