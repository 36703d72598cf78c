/**
 * What `pgfleet report` prints and the Pulumi program exports per database: each live
 * generation's recovery guarantee with its sources, the objectives it meets, and its restore
 * drill. When a drill last succeeded is not knowable from the stack: the report says what to
 * alert on instead (kube-state-metrics' CronJob and Job metrics, and the drill's ConfigMap).
 */
import { cronGaps } from '../config/cron';
import type { z } from 'zod';
import type { drill } from '../config/schema-parts';
import { engineNamed } from '../config/stack-schema';
import { formatSpan } from '../config/recovery-span';
import type { ModelEngine } from './engine-model';
import { type ResolvedDatabase, viewOf } from './resolved';
import type { ResolvedStack } from './resolved-stack';

/** A database's `drill` as parsed. */
export type DrillSpec = z.output<typeof drill>;

/** The CronJob and ConfigMap of a generation's restore drill. */
export const drillName = (generation: string) => `${generation}-drill`;

export interface RecoveryBoundRow {
  readonly seconds: number | null;
  /** `5m`, `30d`, `unbounded`. */
  readonly text: string;
  readonly source: string;
}

/** A generation's restore drill as the report shows it. */
export interface DrillRow {
  readonly schedule: string;
  readonly cronJob: string;
  /** Holds `lastSuccess`, `backup`, `restoredTo` and `checkValue` of the last drill that passed. */
  readonly configMap: string;
  /** The check the restored copy must pass, e.g. `select count(*) from repository >= 1`. */
  readonly check: string;
  /** Always `null` here: only the cluster knows (CronJob `.status.lastSuccessfulTime`, the ConfigMap). */
  readonly lastSuccess: null;
  /** Alert when no drill succeeded for this long: the schedule's longest gap plus the Job's deadline, twice. */
  readonly alertAfterSeconds: number;
  /** PromQL (kube-state-metrics) that fires when the drill is overdue, never succeeded, or its last Job failed. */
  readonly alert: string;
}

export interface RecoveryRow {
  readonly stack: string;
  readonly database: string;
  readonly engine: string;
  readonly namespace: string;
  readonly generation: string;
  readonly serving: boolean;
  readonly method: 'wal' | 'dump';
  readonly rpo: RecoveryBoundRow;
  readonly window: RecoveryBoundRow;
  readonly restoreUses: string;
  /** The database's `recovery` objectives (synth refuses a stack whose settings miss them). @default - none */
  readonly objectives?: { readonly rpo?: string; readonly window?: string };
  /** @default - no drill */
  readonly drill?: DrillRow;
}

function drillRow(namespace: string, generation: string, d: DrillSpec): DrillRow {
  const name = drillName(generation);
  const gap = cronGaps(d.schedule)?.longest ?? 86_400;
  const after = 2 * (gap + d.deadlineSeconds);
  const sel = `namespace="${namespace}",cronjob="${name}"`;
  const check = `${d.check.query} ${d.check.atLeast !== undefined ? `>= ${d.check.atLeast}` : `= ${JSON.stringify(d.check.equals)}`}`;
  return {
    schedule: d.schedule,
    cronJob: name,
    configMap: name,
    check,
    lastSuccess: null,
    alertAfterSeconds: after,
    alert:
      `time() - kube_cronjob_status_last_successful_time{${sel}} > ${after}` +
      ` or absent(kube_cronjob_status_last_successful_time{${sel}})` +
      ` or kube_job_status_failed{namespace="${namespace}",job_name=~"${name}-.*"} > 0`,
  };
}

/**
 * The rows of one database: one per live generation whose engine states a guarantee, each from its
 * own engine's view (a migration's generations on another engine: that engine's settings and drill).
 */
export function databaseRecovery(stack: string, db: ResolvedDatabase, engines: readonly ModelEngine[]): RecoveryRow[] {
  const objectives = (db.spec as { recovery?: { rpo?: string; window?: string } }).recovery;
  return db.generations.flatMap((gen) => {
    const engine = engineNamed(engines, gen.engine);
    if (!engine.recovery) return [];
    const view = viewOf(db, gen);
    const g = engine.recovery(view, gen);
    const drill = (view.spec as { drill?: DrillSpec }).drill;
    return [
      {
        stack,
        database: db.name,
        engine: gen.engine,
        namespace: db.namespace,
        generation: gen.name,
        serving: gen.serving,
        method: g.method,
        rpo: { seconds: g.rpo.seconds, text: formatSpan(g.rpo.seconds), source: g.rpo.source },
        window: { seconds: g.window.seconds, text: formatSpan(g.window.seconds ?? 0), source: g.window.source },
        restoreUses: g.restoreUses,
        ...(objectives ? { objectives: { ...objectives } } : {}),
        ...(drill ? { drill: drillRow(db.namespace, gen.name, drill) } : {}),
      },
    ];
  });
}

/** Every row of a stack, in stack order. */
export function recoveryReport(stack: ResolvedStack): RecoveryRow[] {
  return stack.databases.flatMap((db) => databaseRecovery(stack.spec.stack, db, stack.engines));
}
