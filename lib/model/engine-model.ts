import type { DatabaseSpec, EngineSchema } from '../config/stack-schema';
import type { StackSpec } from '../config/stack-spec';
import type { ConfigIssue } from '../config/config-error';
import type { RecoveryGuarantee } from './recovery';
import type { ResolvedDatabase, ResolvedGeneration } from './resolved';
import type { ArchiveLocation, EngineFacts, EngineStateSchema, GenerationState } from '../config/stack-state';
import type { MigrationSource } from './migration';

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
  /**
   * How an importer on another engine reads one of its generations (engine migration): host,
   * superuser and that user's existing Secret, the pods to admit. @default - it cannot be a migration source
   */
  migrationSource?(db: ResolvedDatabase<D>, gen: ResolvedGeneration): MigrationSource;
  /**
   * How a generation of another engine is copied into this one, the default first: `import` (the
   * operator's own logical import) or `dump` (a pgfleet dump/restore Job). @default - it cannot be a migration target
   */
  readonly migrationMethods?: readonly ('import' | 'dump')[];
  /**
   * Labels of the pods that connect to the source while a generation of this engine is copied
   * into (they must get through the source's NetworkPolicy). @default - none
   */
  importerPods?(db: ResolvedDatabase<D>, gen: ResolvedGeneration): Record<string, string>;
  /** What a generation copied into this engine needs of its settings (e.g. a superuser Secret to write with). @default - nothing */
  checkMigrationTarget?(db: ResolvedDatabase<D>, gen: ResolvedGeneration): ConfigIssue[];
}

/** An engine as the model layer sees it: its name and schemas (config) and its model hooks. */
export type ModelEngine = EngineSchema & EngineStateSchema<any> & EngineModel<any, any>;
