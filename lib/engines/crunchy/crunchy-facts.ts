import { z } from 'zod';
import { archiveOfUrl, type ArchiveLocation, type EngineStateSchema } from '../../config/stack-state';

/**
 * What a Crunchy generation records in the state file for later synths: the PGO major upgrade
 * in progress, whose phases may not be skipped, the in-place restore and one-off backup it is set to. Its
 * volume repositories are its archives of kind `pvc`.
 */
export const crunchyFactsSchema = z
  .object({
    /** The generation's `upgrade` (PGUpgrade phase and target major). @default - none in progress */
    upgrade: z
      .object({ phase: z.enum(['prepare', 'complete']), to: z.number().int().positive() })
      .strict()
      .optional(),
    /** The generation's `restoreInPlace.id`. @default - none */
    restoreInPlace: z.string().min(1).optional(),
    /** The id of the one-off backup (`backups.manual`) set on the generation. @default - none */
    manualBackup: z.string().min(1).optional(),
  })
  .strict();

export type CrunchyFacts = z.output<typeof crunchyFactsSchema>;

/** Format 1 wrote `repo1=pvc:<ns>/<claim> repo2=s3://…` and the upgrade as `upgradePhase` / `upgradeTo`. */
export const crunchyStateFormat1: NonNullable<EngineStateSchema<CrunchyFacts>['stateFormat1']> = {
  archives(archive) {
    const out: ArchiveLocation[] = [];
    for (const token of archive.split(' ').filter(Boolean)) {
      const m = /^([^=\s]+)=(.+)$/.exec(token);
      if (!m) return undefined;
      const [, repo, where] = m;
      const pvc = /^pvc:([^/:]+)\/([^/]+)$/.exec(where);
      const location = pvc ? archiveOfUrl(`pvc://${pvc[1]}/${pvc[2]}/`, repo) : archiveOfUrl(where, repo);
      if (!location) return undefined;
      out.push(location);
    }
    return out;
  },
  facts(extra) {
    const known = new Set(['volumeRepos', 'upgradePhase', 'upgradeTo', 'restoreInPlace']);
    if (Object.keys(extra).some((k) => !known.has(k))) return undefined;
    const { upgradePhase: phase, upgradeTo: to, restoreInPlace } = extra;
    if ((phase === undefined) !== (to === undefined) || (phase !== undefined && phase !== 'prepare' && phase !== 'complete'))
      return undefined;
    if ((to !== undefined && typeof to !== 'number') || (restoreInPlace !== undefined && typeof restoreInPlace !== 'string'))
      return undefined;
    return {
      ...(phase !== undefined ? { upgrade: { phase, to: to as number } } : {}),
      ...(restoreInPlace !== undefined ? { restoreInPlace } : {}),
    };
  },
};
