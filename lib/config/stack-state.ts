/**
 * What a synth records about a stack (`dist/<stack>/pgfleet-state.json`), so the next synth can
 * refuse changes that would lose data: a generation disappearing without being retired, a
 * downgrade, a shrinking volume. The file is derived from the stack alone, so it is reviewed
 * with the manifests and stays byte-identical for the same stack.
 *
 * Everything in it is data: how a generation was created (`bootstrap`), where it archives
 * (`archives`), and the facts its engine checks later synths against (`engineFacts`). Reading
 * validates it against the schemas below; human text for messages comes from `state-text.ts`.
 */
import { z } from 'zod';
import { quantity } from './schema-parts';
import { TargetTime } from './target-time';

export const STATE_FILE = 'pgfleet-state.json';

/** The format synth writes. Format 1 (bootstrap and archive as text) is still read, and converted. */
export const STATE_FORMAT = 2;

/** Where a restore stopped (the model's `RecoveryTarget` as data). */
export type RecoveryTargetState =
  | { readonly kind: 'latest' }
  /** An instant, RFC 3339 with an explicit offset (`2026-11-20T08:00:00+01:00`). */
  | { readonly kind: 'time'; readonly time: string }
  | { readonly kind: 'lsn'; readonly lsn: string }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'backupFile'; readonly file: string };

/** How a generation's data directory came to be (the model's `Bootstrap` as data). */
export type BootstrapState =
  | { readonly kind: 'initdb' }
  | { readonly kind: 'restore'; readonly source: string; readonly target: RecoveryTargetState }
  | { readonly kind: 'upgrade'; readonly source: string }
  /** Copied from a generation on another engine (engine migration): the target operator's `import`, or a `dump` Job. */
  | { readonly kind: 'migrate'; readonly source: string; readonly method: 'import' | 'dump' };

/** The storage behind an archive location. */
export type ArchiveKind = 's3' | 'gs' | 'azure' | 'pvc';

/**
 * One place a generation writes its backups or WAL to. `url` starts with `<kind>://`: an object
 * store prefix (`s3://bucket/prefix/forgejo-db-pg18/`, `gs://bucket/wal/ciip-portal-r1`), or a
 * folder on a PersistentVolumeClaim (`pvc://<namespace>/<claim>/<folder>`).
 */
export interface ArchiveLocation {
  /** The repository it belongs to, for engines with several (pgBackRest `repo1`…`repo4`). @default - the generation's only location */
  readonly repo?: string;
  readonly kind: ArchiveKind;
  readonly url: string;
}

/** Facts an engine records per generation and checks later synths against; each engine types its own. */
export type EngineFacts = { readonly [key: string]: unknown };

/**
 * What a generation can lose and how far back it can go (the model's RecoveryGuarantee as data),
 * so a diff can gate a guarantee that gets worse.
 */
export interface RecoveryState {
  /** `wal`: continuous WAL archiving; `dump`: scheduled dumps. */
  readonly method: 'wal' | 'dump';
  /** Worst-case data loss in seconds; `null` is unbounded. */
  readonly rpoSeconds: number | null;
  /** How far back a restore is sure to reach, in seconds. */
  readonly windowSeconds: number;
}

export interface GenerationState<F = EngineFacts> {
  /** The engine it runs on, when not the database's (an engine migration). @default - the database's `engine` */
  readonly engine?: string;
  readonly postgresVersion: number;
  /** Sizes of the generation's volumes as written in the stack, by name (EngineModel.volumes; default `data`). */
  readonly volumes?: Readonly<Record<string, string>>;
  readonly bootstrap: BootstrapState;
  /** Where it writes backups and WAL, one entry per repository; empty when the engine keeps no location per generation. */
  readonly archives: readonly ArchiveLocation[];
  /** What its engine checks later synths against (e.g. a PGO upgrade phase). @default - none */
  readonly engineFacts?: F;
  /** Its recovery guarantee (RPO and window). @default - none recorded (states written before pgfleet recorded them) */
  readonly recovery?: RecoveryState;
}

export interface DatabaseState<F = EngineFacts> {
  readonly engine: string;
  readonly namespace: string;
  readonly serving: string;
  readonly retired: readonly string[];
  /** Set while the database is being decommissioned: Pulumi no longer protects its generations. @default - not */
  readonly decommission?: true;
  readonly generations: Readonly<Record<string, GenerationState<F>>>;
}

export interface StackState {
  /** Bumped when the format changes incompatibly. */
  readonly format: typeof STATE_FORMAT;
  readonly stack: string;
  readonly databases: Readonly<Record<string, DatabaseState>>;
}

/**
 * What reading a state file needs of an engine (part of the one engine interface,
 * `lib/engines/engine.ts`): the schema of the facts it records, and how format 1 wrote them.
 */
export interface EngineStateSchema<F extends EngineFacts = EngineFacts> {
  readonly name: string;
  /** The schema of the engine's `engineFacts`. @default - the engine records none */
  readonly factsSchema?: z.ZodType<F>;
  /** Reading format 1, where facts were flat `extra` values and the archive one text. @default - {} */
  readonly stateFormat1?: {
    /** The facts from format 1's `extra`, or undefined when they cannot be read. @default - none */
    facts?(extra: Readonly<Record<string, string | number | boolean>>): F | undefined;
    /**
     * The locations from format 1's `archive` text, or undefined when it cannot be read.
     * @default - the text is one `<kind>://…` URL
     */
    archives?(archive: string, namespace: string): ArchiveLocation[] | undefined;
  };
}

/** True when two flat records hold the same keys and values (whatever their order). */
const sameFields = (a: object, b: object): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => (b as Record<string, unknown>)[k] === v);

/** True when two recovery targets stop at the same point, written the same way. */
export const sameTarget = (a: RecoveryTargetState, b: RecoveryTargetState): boolean => sameFields(a, b);

/** True when two bootstraps are the same variant from the same source to the same target. */
export function sameBootstrap(a: BootstrapState, b: BootstrapState): boolean {
  if (a.kind === 'restore' && b.kind === 'restore') return a.source === b.source && sameTarget(a.target, b.target);
  return sameFields(a, b);
}

/** An archive location from its URL (`s3://…`, `gs://…`, `azure://…`, `pvc://…`), or undefined for another form. */
export function archiveOfUrl(url: string, repo?: string): ArchiveLocation | undefined {
  const m = /^(s3|gs|azure|pvc):\/\/[^/\s]+/.exec(url);
  if (!m || /\s/.test(url)) return undefined;
  return { ...(repo !== undefined ? { repo } : {}), kind: m[1] as ArchiveKind, url };
}

// --- Schemas ---------------------------------------------------------------------------------

const nonEmpty = z.string().min(1);

const rfc3339 = z.string().refine((t) => TargetTime.parse(t)?.rfc3339 === t, {
  message: 'an RFC 3339 time with an explicit offset, e.g. 2026-11-20T08:00:00+01:00',
});

export const recoveryTargetStateSchema: z.ZodType<RecoveryTargetState> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('latest') }).strict(),
  z.object({ kind: z.literal('time'), time: rfc3339 }).strict(),
  z
    .object({
      kind: z.literal('lsn'),
      lsn: z.string().regex(/^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/, { message: 'a WAL location such as 0/3000060' }),
    })
    .strict(),
  z.object({ kind: z.literal('name'), name: nonEmpty }).strict(),
  z.object({ kind: z.literal('backupFile'), file: nonEmpty }).strict(),
]);

const bootstrapStateSchema: z.ZodType<BootstrapState> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('initdb') }).strict(),
  z.object({ kind: z.literal('restore'), source: nonEmpty, target: recoveryTargetStateSchema }).strict(),
  z.object({ kind: z.literal('upgrade'), source: nonEmpty }).strict(),
  z.object({ kind: z.literal('migrate'), source: nonEmpty, method: z.enum(['import', 'dump']) }).strict(),
]);

const recoveryStateSchema: z.ZodType<RecoveryState> = z
  .object({
    method: z.enum(['wal', 'dump']),
    rpoSeconds: z.number().nonnegative().nullable(),
    windowSeconds: z.number().nonnegative(),
  })
  .strict();

const archiveLocationSchema: z.ZodType<ArchiveLocation> = z
  .object({ repo: nonEmpty.optional(), kind: z.enum(['s3', 'gs', 'azure', 'pvc']), url: nonEmpty })
  .strict()
  .refine((a) => archiveOfUrl(a.url)?.kind === a.kind, {
    message: 'a URL starting with <kind>://, e.g. s3://bucket/prefix/ for kind s3',
    path: ['url'],
  });

/** The fields a generation has in both formats. */
export const generationBaseFields = {
  postgresVersion: z.number().int().positive(),
  volumes: z.record(z.string(), quantity).optional(),
};

/** The fields a database entry has in both formats; `engine` is one of the registered engines. */
export function databaseBaseFields(engines: readonly EngineStateSchema[]) {
  return {
    engine: z.enum(engines.map((e) => e.name) as [string, ...string[]]),
    namespace: nonEmpty,
    serving: nonEmpty,
    retired: z.array(nonEmpty),
    decommission: z.literal(true).optional(),
  };
}

const schemas = new WeakMap<readonly EngineStateSchema[], z.ZodType>();

/**
 * The schema of a format-2 state file. Engine facts are only a mapping here: reading checks them
 * against their engine's `factsSchema` once the database's engine is known (`state-file.ts`).
 */
export function stackStateSchema(engines: readonly EngineStateSchema[]): z.ZodType {
  let s = schemas.get(engines);
  if (!s) {
    const generation = z
      .object({
        ...generationBaseFields,
        bootstrap: bootstrapStateSchema,
        archives: z.array(archiveLocationSchema),
        engineFacts: z.record(z.string(), z.unknown()).optional(),
        engine: z.enum(engines.map((e) => e.name) as [string, ...string[]]).optional(),
        recovery: recoveryStateSchema.optional(),
      })
      .strict();
    const database = z.object({ ...databaseBaseFields(engines), generations: z.record(z.string(), generation) }).strict();
    s = z.object({ format: z.literal(STATE_FORMAT), stack: nonEmpty, databases: z.record(z.string(), database) }).strict();
    schemas.set(engines, s);
  }
  return s;
}

/** The engine a recorded generation runs on: its own `engine`, else its database's. */
export const engineOfState = (db: Pick<DatabaseState, 'engine'>, gen: Pick<GenerationState, 'engine'>): string => gen.engine ?? db.engine;
