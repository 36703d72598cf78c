/**
 * What a synth records about a stack (`dist/<stack>/pgfleet-state.json`), so the next synth can
 * refuse changes that would lose data: a generation disappearing without being retired, a
 * downgrade, a shrinking volume. The file is derived from the stack alone, so it is reviewed
 * with the manifests and stays byte-identical for the same stack.
 */
export interface GenerationState {
  readonly postgresVersion: number;
  /** Sizes of the generation's volumes as written in the stack, by name (EngineModel.volumes; default `data`). */
  readonly volumes?: Readonly<Record<string, string>>;
  /** How the generation was created (`Bootstrap.describe()`). */
  readonly bootstrap: string;
  /** Where it writes its backups/WAL (engine-specific location). */
  readonly archive?: string;
  /** Engine-specific facts later synths check against (e.g. an upgrade phase). */
  readonly extra?: Readonly<Record<string, string | number | boolean>>;
}

export interface DatabaseState {
  readonly engine: string;
  readonly namespace: string;
  readonly serving: string;
  readonly retired: readonly string[];
  readonly generations: Readonly<Record<string, GenerationState>>;
}

export interface StackState {
  /** Bumped when the format changes incompatibly. */
  readonly format: 1;
  readonly stack: string;
  readonly databases: Readonly<Record<string, DatabaseState>>;
}

export const STATE_FILE = 'pgfleet-state.json';
