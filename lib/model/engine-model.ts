import type { DatabaseSpec, EngineSchema } from '../config/stack-schema';
import type { StackSpec } from '../config/stack-spec';
import type { ConfigIssue } from '../config/config-error';
import type { RecoveryGuarantee } from './recovery';
import type { ResolvedDatabase, ResolvedGeneration } from './resolved';
import type { ArchiveLocation, EngineFacts, EngineStateSchema, GenerationState } from '../config/stack-state';

/**
 * What the model knows about an engine without rendering it: how it upgrades, where each
 * generation archives, and the facts to carry between synths (of type `F`). Part of the one engine interface
 * (`lib/engines/engine.ts`).
 */
export interface EngineModel<D extends DatabaseSpec = DatabaseSpec, F extends EngineFacts = EngineFacts> {
  /**
   * `in-place`: raise a generation's postgresVersion (the operator upgrades it).
   * `new-generation`: a newer major needs a new generation with `upgradeFrom`.
   */
  readonly upgrade: 'in-place' | 'new-generation';
  /**
   * Where a generation writes backups and WAL, one location per repository (e.g.
   * `{kind: 's3', url: 's3://bucket/prefix/<serverName>/'}`). @default - none recorded
   */
  archives?(db: ResolvedDatabase<D>, gen: ResolvedGeneration): ArchiveLocation[];
  /**
   * Every volume of a generation whose size the stack sets, by a stable name, with the config
   * path of that size: a later synth refuses to shrink any of them. @default - the database's `storage.size` as `data`
   */
  volumes?(db: ResolvedDatabase<D>, gen: ResolvedGeneration): Record<string, { readonly size: string; readonly path: string }>;
  /**
   * What a live generation can lose (RPO) and how far back a restore can reach (window), from
   * its settings alone; checked against the database's `recovery` objectives, recorded in the
   * state file, printed by `pgfleet report`. @default - none (the engine states no guarantee)
   */
  recovery?(db: ResolvedDatabase<D>, gen: ResolvedGeneration): RecoveryGuarantee;
  /** Rules over one resolved database (e.g. that its consumers can reach it), with config paths. */
  check?(db: ResolvedDatabase<D>): ConfigIssue[];
  /** Rules across the whole stack (e.g. two databases sharing an archive), checked once per engine. */
  checkStack?(stack: StackSpec): ConfigIssue[];
  /** Facts to record in the stack state (`engineFacts`), checked by its `factsSchema` when read back. @default - none */
  engineFacts?(db: ResolvedDatabase<D>, gen: ResolvedGeneration): F | undefined;
  /**
   * Engine rules comparing a generation with what the previous synth recorded (e.g. an upgrade
   * phase that may not be skipped). `path` is the generation's config path.
   */
  transitions?(
    db: ResolvedDatabase<D>,
    gen: ResolvedGeneration,
    before: GenerationState<F>,
    after: GenerationState<F>,
    path: string,
  ): ConfigIssue[];
}

/** An engine as the model layer sees it: its name and schemas (config) and its model hooks. */
export type ModelEngine = EngineSchema & EngineStateSchema<any> & EngineModel<any, any>;
