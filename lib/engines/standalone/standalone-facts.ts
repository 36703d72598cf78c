import { z } from 'zod';
import { quantity } from '../../config/schema-parts';
import { archiveOfUrl, type EngineStateSchema } from '../../config/stack-state';

/**
 * What a standalone generation records in the state file: for an upgrade, the writers its Jobs
 * scale down and up, which may not change while it is cut over, and the size of its dump volume.
 */
export const standaloneFactsSchema = z
  .object({
    /** The database's `writers` when the generation is an upgrade. @default - not an upgrade */
    writers: z
      .array(z.object({ namespace: z.string().min(1), name: z.string().min(1), replicas: z.number().int().nonnegative() }).strict())
      .optional(),
    /** The size of the upgrade's dump volume (`upgrade.dumpSize`), which may not shrink. @default - not an upgrade */
    dumpSize: quantity.optional(),
  })
  .strict();

export type StandaloneFacts = z.output<typeof standaloneFactsSchema>;

/** `web/site=1 bots/metricity=1` (empty for none): the writers in messages. */
export function writersText(writers: NonNullable<StandaloneFacts['writers']>): string {
  return writers.map((w) => `${w.namespace}/${w.name}=${w.replicas}`).join(' ');
}

/**
 * Format 1 wrote the writers as `ns/name=replicas …` and a dump folder on a claim as
 * `pvc://<claim>/<folder>/`, without the namespace format 2 puts first.
 */
export const standaloneStateFormat1: NonNullable<EngineStateSchema<StandaloneFacts>['stateFormat1']> = {
  archives(archive, namespace) {
    const pvc = /^pvc:\/\/([^/]+)\/(.+)$/.exec(archive);
    const location = archiveOfUrl(pvc ? `pvc://${namespace}/${pvc[1]}/${pvc[2]}` : archive);
    return location ? [location] : undefined;
  },
  facts(extra) {
    const { writers, ...rest } = extra;
    if (Object.keys(rest).length || typeof writers !== 'string') return undefined;
    const list = writers.split(' ').filter(Boolean);
    const parsed = list.map((w) => /^([^/\s]+)\/([^=\s]+)=(\d+)$/.exec(w));
    if (parsed.some((m) => !m)) return undefined;
    return { writers: parsed.map((m) => ({ namespace: m![1], name: m![2], replicas: Number(m![3]) })) };
  },
};
