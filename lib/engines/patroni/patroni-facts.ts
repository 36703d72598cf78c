import { z } from 'zod';
import { type EngineStateSchema, type RecoveryTargetState, recoveryTargetStateSchema } from '../../config/stack-state';
import { targetOfText } from '../../config/state-format-1';

/**
 * What a Patroni generation records in the state file: its application database, which the
 * image creates once at bootstrap, and the in-place restore it ran (an id names one dump for good).
 */
export const patroniFactsSchema = z
  .object({
    /** The database's `database`. */
    database: z.string().min(1),
    /** The database's `inPlaceRestore` of this generation: its id and the dump it loads. @default - none */
    inPlaceRestore: z
      .object({ id: z.string().min(1), target: recoveryTargetStateSchema })
      .strict()
      .optional(),
  })
  .strict();

export type PatroniFacts = z.output<typeof patroniFactsSchema>;

/** Format 1 wrote the in-place restore as `<id> backupFile <file>` or `<id> time <time>`. */
export const patroniStateFormat1: NonNullable<EngineStateSchema<PatroniFacts>['stateFormat1']> = {
  facts(extra) {
    const { database, inPlaceRestore, ...rest } = extra;
    if (Object.keys(rest).length || typeof database !== 'string') return undefined;
    if (inPlaceRestore === undefined) return { database };
    const m = typeof inPlaceRestore === 'string' ? /^(\S+) (.+)$/.exec(inPlaceRestore) : null;
    const target: RecoveryTargetState | undefined = m ? targetOfText(m[2]) : undefined;
    return m && target ? { database, inPlaceRestore: { id: m[1], target } } : undefined;
  },
};
