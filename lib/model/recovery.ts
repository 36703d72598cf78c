/**
 * Recovery guarantees: what a live generation can lose (RPO) and how far back a restore can
 * reach (the point-in-time window), derived from its stack settings alone by its engine
 * (EngineModel.recovery), checked against the database's `recovery` objectives, recorded in the
 * state file and printed by `pgfleet report`.
 */
import type { ConfigIssue } from '../config/config-error';
import { formatSpan, spanSeconds } from '../config/recovery-span';
import type { RecoveryState } from '../config/stack-state';
import type { ResolvedDatabase, ResolvedGeneration } from './resolved';

/** One side of a guarantee: its value, where it comes from, and the setting that decides it. */
export interface RecoveryBound {
  /** Seconds; `null` is unbounded (an RPO with archive_timeout 0 on an idle database). */
  readonly seconds: number | null;
  /** Where the number comes from, e.g. `archive_timeout 5min (CloudNativePG's default)`. */
  readonly source: string;
  /** Config path of the setting that decides it, e.g. `pgfleet:databases[0].parameters.archive_timeout`. */
  readonly path: string;
  /** That setting's value (undefined when the default applies). */
  readonly value: unknown;
  /** What to change to reach `target` (a span such as `5m`), as a ConfigIssue fix. */
  fix(target: string): string;
}

/** What a live generation can lose and how far back it can go. */
export interface RecoveryGuarantee {
  /** `wal`: continuous WAL archiving (any point in the window); `dump`: scheduled dumps (one point per dump). */
  readonly method: 'wal' | 'dump';
  /** The worst-case data loss when the whole cluster and its volumes are lost. */
  readonly rpo: RecoveryBound;
  /** How far back a restore is sure to reach (for dumps: the age of the oldest dump sure to be kept). */
  readonly window: RecoveryBound;
  /** Which backups a restore (and the drill) would use. */
  readonly restoreUses: string;
}

/** The guarantee as data for the state file. */
export function recoveryState(g: RecoveryGuarantee): RecoveryState {
  return { method: g.method, rpoSeconds: g.rpo.seconds, windowSeconds: g.window.seconds ?? 0 };
}

/** The database's `recovery` objectives as a stack writes them. */
interface Objectives {
  readonly rpo?: string;
  readonly window?: string;
}

/**
 * Refuses settings that cannot meet the database's `recovery` objectives, for every live
 * generation: each issue names the setting that decides the guarantee (path and value), the
 * guarantee and its source, and the fix; a setting the generations share is reported once.
 */
export function checkObjectives(
  db: ResolvedDatabase,
  guarantee: (gen: ResolvedGeneration) => RecoveryGuarantee | undefined,
): ConfigIssue[] {
  const issues = db.generations.flatMap((gen) => {
    const g = guarantee(gen);
    return g ? generationIssues(db, gen, g) : [];
  });
  return issues.filter((i, n) => issues.findIndex((j) => j.path === i.path) === n);
}

function generationIssues(db: ResolvedDatabase, gen: ResolvedGeneration, g: RecoveryGuarantee): ConfigIssue[] {
  const objectives = (db.spec as { recovery?: Objectives }).recovery;
  if (!objectives) return [];
  const issues: ConfigIssue[] = [];
  const rpo = objectives.rpo !== undefined ? spanSeconds(objectives.rpo) : undefined;
  if (objectives.rpo !== undefined && rpo !== undefined && (g.rpo.seconds === null || g.rpo.seconds > rpo)) {
    issues.push({
      path: g.rpo.path,
      value: g.rpo.value,
      allowed: `a setting that meets recovery.rpo ${objectives.rpo}: ${gen.name} can lose up to ${formatSpan(g.rpo.seconds)} (${g.rpo.source})`,
      fix: g.rpo.fix(objectives.rpo),
    });
  }
  const window = objectives.window !== undefined ? spanSeconds(objectives.window) : undefined;
  if (objectives.window !== undefined && window !== undefined && (g.window.seconds ?? 0) < window) {
    issues.push({
      path: g.window.path,
      value: g.window.value,
      allowed: `a setting that meets recovery.window ${objectives.window}: a restore of ${gen.name} is sure to reach back ${formatSpan(g.window.seconds ?? 0)} only (${g.window.source})`,
      fix: g.window.fix(objectives.window),
    });
  }
  return issues;
}
