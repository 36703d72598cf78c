/**
 * Format 1 of the state file, as pgfleet wrote it before the state was typed: `bootstrap` was
 * the text `describeBootstrap` gives, `archive` one engine-specific string and the engine facts
 * flat `extra` values. Reading converts it to format 2, so `pgfleet diff` against an old commit
 * and the first synth after upgrading pgfleet still run every check.
 */
import { z } from 'zod';
import { type ConfigIssue, joinPath } from './config-error';
import {
  archiveOfUrl,
  databaseBaseFields,
  type ArchiveLocation,
  type BootstrapState,
  type EngineStateSchema,
  generationBaseFields,
  type RecoveryTargetState,
} from './stack-state';
import { TargetTime } from './target-time';

/** Format 1's `extra`: flat values only. */
type Extra = Readonly<Record<string, string | number | boolean>>;

interface GenerationState1 {
  readonly postgresVersion: number;
  readonly volumes?: Readonly<Record<string, string>>;
  readonly bootstrap: string;
  readonly archive?: string;
  readonly extra?: Extra;
}

interface DatabaseState1 {
  readonly engine: string;
  readonly namespace: string;
  readonly serving: string;
  readonly retired: readonly string[];
  readonly generations: Readonly<Record<string, GenerationState1>>;
}

/** A format-1 state that passed `stackStateSchema1`. */
export interface StackState1 {
  readonly format: 1;
  readonly stack: string;
  readonly databases: Readonly<Record<string, DatabaseState1>>;
}

/** `latest`, `time <RFC 3339>`, `lsn <lsn>`, `name <name>`, `backupFile <file>` (`describeTarget`). */
export function targetOfText(text: string): RecoveryTargetState | undefined {
  if (text === 'latest') return { kind: 'latest' };
  const m = /^(time|lsn|name|backupFile) (\S.*)$/.exec(text);
  if (!m) return undefined;
  const [, kind, value] = m;
  if (kind === 'time') {
    const time = TargetTime.parse(value);
    return time ? { kind: 'time', time: time.rfc3339 } : undefined;
  }
  if (kind === 'lsn') return { kind: 'lsn', lsn: value };
  if (kind === 'name') return { kind: 'name', name: value };
  return { kind: 'backupFile', file: value };
}

/** `initdb`, `restore from <generation> (<target>)`, `upgrade from <generation>` as data; undefined for other text. */
export function bootstrapOfText(text: string): BootstrapState | undefined {
  if (text === 'initdb') return { kind: 'initdb' };
  const upgrade = /^upgrade from (\S+)$/.exec(text);
  if (upgrade) return { kind: 'upgrade', source: upgrade[1] };
  const restore = /^restore from (\S+) \((.+)\)$/.exec(text);
  const target = restore ? targetOfText(restore[2]) : undefined;
  return restore && target ? { kind: 'restore', source: restore[1], target } : undefined;
}

const BOOTSTRAP_TEXT = 'initdb, "restore from <generation> (<target>)" or "upgrade from <generation>"';

const schemas = new WeakMap<readonly EngineStateSchema[], z.ZodType>();

/** The schema of a format-1 state file. */
export function stackStateSchema1(engines: readonly EngineStateSchema[]): z.ZodType {
  let s = schemas.get(engines);
  if (!s) {
    const generation = z
      .object({
        ...generationBaseFields,
        bootstrap: z.string().refine((t) => bootstrapOfText(t) !== undefined, { message: BOOTSTRAP_TEXT }),
        archive: z.string().optional(),
        extra: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      })
      .strict();
    const database = z.object({ ...databaseBaseFields(engines), generations: z.record(z.string(), generation) }).strict();
    s = z.object({ format: z.literal(1), stack: z.string().min(1), databases: z.record(z.string(), database) }).strict();
    schemas.set(engines, s);
  }
  return s;
}

/** A converted state, with its engine facts still to be checked against the engines' schemas. */
export interface Converted {
  readonly state: unknown;
  readonly issues: ConfigIssue[];
}

/**
 * Converts a format-1 state (already checked by `stackStateSchema1`) to format 2. What cannot be
 * read comes back as issues at the format-1 paths; their `fix` is left to the caller.
 */
export function fromFormat1(state: StackState1, engines: readonly EngineStateSchema[]): Converted {
  const issues: ConfigIssue[] = [];
  const databases: Record<string, unknown> = {};
  for (const [dbName, db] of Object.entries(state.databases)) {
    const engine = engines.find((e) => e.name === db.engine)!;
    const generations: Record<string, unknown> = {};
    for (const [genName, g] of Object.entries(db.generations)) {
      const at = (key: string) => joinPath(['databases', dbName, 'generations', genName, key]);
      let archives: ArchiveLocation[] | undefined = [];
      if (g.archive !== undefined) {
        const read = engine.stateFormat1?.archives ?? ((text: string) => (archiveOfUrl(text) ? [archiveOfUrl(text)!] : undefined));
        archives = read(g.archive, db.namespace);
        if (!archives) {
          issues.push({
            path: at('archive'),
            value: g.archive,
            allowed: `an archive location as format 1 wrote it for ${db.engine}`,
            fix: '',
          });
        }
      }
      let engineFacts: unknown;
      if (g.extra !== undefined) {
        engineFacts = engine.stateFormat1?.facts?.(g.extra);
        if (engineFacts === undefined) {
          issues.push({
            path: at('extra'),
            value: g.extra,
            allowed: engine.stateFormat1?.facts ? `the facts format 1 recorded for ${db.engine}` : `no extra: ${db.engine} recorded none`,
            fix: '',
          });
        }
      }
      generations[genName] = {
        postgresVersion: g.postgresVersion,
        ...(g.volumes ? { volumes: g.volumes } : {}),
        bootstrap: bootstrapOfText(g.bootstrap)!,
        archives: archives ?? [],
        // Facts format 2 keeps elsewhere (crunchy's volumeRepos are its pvc archives) leave none.
        ...(engineFacts !== undefined && Object.keys(engineFacts as object).length ? { engineFacts } : {}),
      };
    }
    databases[dbName] = { ...db, generations };
  }
  return { state: { format: 2, stack: state.stack, databases }, issues };
}
