/**
 * Engine migration in the stack file: a database entry may hold generations on other engines
 * than its own `engine`. Such a generation names its engine (`engine: cnpg`) and usually how it
 * starts (`migrateFrom: {generation: <live generation>}`); the settings of every generation on
 * that engine sit in one block on the database entry, keyed by the engine's name:
 *
 * ```yaml
 * - name: ciip-portal
 *   engine: spilo                    # the database's engine: its settings are the entry's own keys
 *   generations:
 *     - name: ciip-portal-patroni
 *     - name: ciip-portal-pg17
 *       engine: cnpg
 *       postgresVersion: 17
 *       migrateFrom: {generation: ciip-portal-patroni}
 *   cnpg:                            # the settings of its generations on cnpg
 *     storage: {size: 1Gi}
 *     backup: {...}
 * ```
 *
 * One block per engine rather than per generation, because an engine's database-level objects
 * (CloudNativePG's ObjectStore, credentials) are shared by its generations, as in a database on
 * that engine alone. Before the schema runs, each entry is split into one entry per engine: the
 * database's own (its keys, its generations) and one per other engine (the block, the shared
 * keys `name`, `namespace`, `postgresVersion`, `consumers`, and that engine's generations), each
 * parsed with its engine's own schema; problems are reported at the paths the user wrote.
 *
 * The entry's `drill` drills every live generation, each with its own engine's drill: a block
 * without a `drill` of its own gets the entry's (INHERITED_KEYS), parsed and checked by that
 * engine as if written in the block, its problems reported at the entry's `drill`.
 */
import { z } from 'zod';
import { type ConfigIssue, joinPath } from './config-error';
import { issue, objectName } from './schema-parts';
import type { DatabaseSpec, EngineSchema, EngineSettings, MigrateFromSpec, OtherEngines } from './stack-schema';
import { fromZodIssues } from './zod-issues';

type Segment = string | number;
type Raw = Record<string, unknown>;

const sqlIdentifier = z.string().regex(/^[a-z_][a-z0-9_]*$/, { message: 'a lower-case SQL identifier' });

/**
 * `migrateFrom`: a new generation on another engine, fed from a live generation's data over a
 * logical dump (pg_dump / pg_restore) of it, taken while the source keeps running.
 */
export const migrateFromSchema = z
  .object({
    generation: objectName().meta({
      description: 'The live generation (on another engine) whose data is copied.',
      examples: ['ciip-portal-patroni'],
    }),
    method: z.enum(['import', 'dump']).optional().meta({
      description:
        "`import`: the target operator's own logical import (CloudNativePG `bootstrap.initdb.import`). `dump`: a pgfleet Job that dumps the source and restores into the new generation once it runs. Default: import where the target engine has one, else dump.",
    }),
    type: z.enum(['microservice', 'monolith']).optional().meta({
      description:
        "CloudNativePG import type. `microservice`: one database into the cluster's `database`, owned by its `owner` (CNPG's convention); `monolith`: the listed databases and roles as they are. Default: microservice.",
    }),
    databases: z
      .array(sqlIdentifier)
      .min(1)
      .optional()
      .meta({ description: "SQL databases to copy. Default: the source's application database.", examples: [['app']] }),
    roles: z
      .array(z.string().regex(/^(\*|[a-z_][a-z0-9_]*)$/, { message: 'a lower-case role name, or * for every role' }))
      .min(1)
      .optional()
      .meta({ description: "Roles to copy (monolith import; `*` for all but the operators' own). Default: none.", examples: [['*']] }),
    extensions: z
      .array(sqlIdentifier)
      .min(1)
      .optional()
      .meta({
        description:
          "Carry only these extensions (`pg_dump --extension`, PostgreSQL 14+). Default: every extension of the source database except the ones its engine installs itself (Spilo's pg_stat_kcache and set_user), left out with `--exclude-extension` (pg_dump 17+).",
        examples: [['pgcrypto', 'pg_trgm']],
      }),
    sourceUser: sqlIdentifier.optional().meta({
      description:
        "The superuser the copy reads the source as, whose password is in the source engine's own Secret. Default: the source engine's superuser name (postgres).",
      examples: ['postgres'],
    }),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.roles && m.type !== 'monolith') {
      issue(
        ctx,
        'roles only with type: monolith: a microservice import gives every object to the new cluster’s owner',
        'remove roles, or set type: monolith to copy roles and owners as they are',
        ['roles'],
      );
    }
    if ((m.type ?? 'microservice') === 'microservice' && m.method !== 'dump' && (m.databases?.length ?? 1) > 1) {
      issue(
        ctx,
        'one database with a microservice import (CloudNativePG imports it into the cluster’s own database)',
        'keep one database, or set type: monolith to copy several as they are',
        ['databases'],
      );
    }
  });

/** Keys of the database entry every engine's view shares (the block may not set them). */
const SHARED_KEYS = ['name', 'namespace', 'consumers', 'recovery'] as const;
/**
 * Keys of the database entry an engine's view takes when its block does not set them: what the
 * entry says of every generation, which a block may say differently for its engine's.
 */
export const INHERITED_KEYS = ['drill'] as const;
/** Keys that belong to the database entry alone. */
export const ENTRY_KEYS = ['engine', 'generations', 'retired', 'serving', 'acknowledge', 'decommission', ...SHARED_KEYS];

/** One entry split by engine, before parsing. */
export interface SplitEntry {
  /** The entry for its own engine: its keys without the other engines' blocks and generations. */
  readonly own: unknown;
  readonly ownPositions: readonly number[];
  readonly others: readonly {
    readonly engine: string;
    readonly entry: Raw;
    readonly positions: readonly number[];
    readonly migrateFrom: readonly unknown[];
    /** Where each top-level key of `entry` came from, relative to the database entry. */
    readonly origin: Readonly<Record<string, readonly Segment[]>>;
    /** INHERITED_KEYS `entry` took from the database entry (its block sets none of its own). */
    readonly inherited: readonly string[];
  }[];
  readonly issues: readonly ConfigIssue[];
}

const isObject = (v: unknown): v is Raw => !!v && typeof v === 'object' && !Array.isArray(v);

/** Splits a raw database entry into its own engine's and the other engines' entries. */
export function splitEntry(raw: unknown, engines: readonly EngineSchema[], path: string): SplitEntry {
  const at = (...segs: Segment[]) => joinPath([path, ...segs]);
  const none: SplitEntry = { own: raw, ownPositions: [], others: [], issues: [] };
  if (!isObject(raw) || typeof raw.engine !== 'string' || !engines.some((e) => e.name === raw.engine)) return none;
  const own = raw.engine;
  const names = engines.map((e) => e.name);
  const blocks = names.filter((n) => n !== own && raw[n] !== undefined);
  const gens = Array.isArray(raw.generations) ? raw.generations : undefined;
  const foreign = (g: unknown) => isObject(g) && typeof g.engine === 'string' && g.engine !== own;
  // A generation on the entry's own engine (its engine key absent or the same) cannot migrate.
  const migrateFromOnOwn = (g: unknown, gi: number): ConfigIssue[] =>
    isObject(g) && g.migrateFrom !== undefined
      ? [
          {
            path: at('generations', gi, 'migrateFrom'),
            value: g.migrateFrom,
            allowed: `a generation on another engine than ${own} (engine: cnpg, ...): migrateFrom moves a database to another operator`,
            fix: `set engine on this generation and add the engine's settings block to the database; on ${own} itself use restoreFrom or upgradeFrom`,
          },
        ]
      : [];
  if (!names.some((n) => n !== own && n in raw) && !(gens ?? []).some(foreign)) {
    // Nothing on another engine: the entry parses as it always did (an explicit own engine is fine).
    // migrateFrom here is reported below, once, rather than again as an unknown key.
    const cleaned = gens?.some((g) => isObject(g) && ('engine' in g || 'migrateFrom' in g))
      ? { ...raw, generations: gens.map((g) => (isObject(g) ? withoutKeys(g, ['engine', 'migrateFrom']) : g)) }
      : raw;
    const issues = (gens ?? []).flatMap((g, gi) => migrateFromOnOwn(g, gi));
    return { own: cleaned, ownPositions: (gens ?? []).map((_, i) => i), others: [], issues };
  }

  const issues: ConfigIssue[] = [];
  const ownGens: unknown[] = [];
  const ownPositions: number[] = [];
  const byEngine = new Map<string, { gens: Raw[]; positions: number[]; migrateFrom: unknown[] }>();
  (gens ?? []).forEach((g, gi) => {
    if (!foreign(g)) {
      issues.push(...migrateFromOnOwn(g, gi));
      ownGens.push(isObject(g) ? withoutKeys(g, ['engine', 'migrateFrom']) : g);
      ownPositions.push(gi);
      return;
    }
    const g2 = g as Raw;
    const engine = g2.engine as string;
    if (!names.includes(engine)) {
      issues.push({
        path: at('generations', gi, 'engine'),
        value: engine,
        allowed: `one of the engines: ${names.join(', ')}`,
        fix: 'check the spelling',
      });
      return;
    }
    if (raw[engine] === undefined) {
      issues.push({
        path: at(engine),
        value: undefined,
        allowed: `the settings of ${raw.name ?? 'the database'}'s generations on ${engine}, as a ${engine} database entry has them (storage, backup, ...)`,
        fix: `add a ${engine}: block to the database entry with ${engine}'s database-level settings (see docs/${engine}.md)`,
      });
      return;
    }
    const e = byEngine.get(engine) ?? { gens: [], positions: [], migrateFrom: [] };
    e.gens.push(withoutKeys(g2, ['engine', 'migrateFrom']));
    e.positions.push(gi);
    e.migrateFrom.push(g2.migrateFrom);
    byEngine.set(engine, e);
  });
  if (gens && ownGens.length === 0) {
    issues.push({
      path: at('engine'),
      value: own,
      allowed: `an engine with at least one generation listed (live or retired): every generation here runs on another engine`,
      fix: `make the database's engine that of its generations (${[...byEngine.keys()].join(', ')}) and move that block's settings to the entry`,
    });
  }

  const others: SplitEntry['others'][number][] = [];
  for (const engine of blocks) {
    const block = raw[engine];
    const e = byEngine.get(engine);
    if (!isObject(block)) {
      issues.push({
        path: at(engine),
        value: block,
        allowed: `a mapping of ${engine}'s database-level settings`,
        fix: `write the settings under ${engine}:, e.g. storage: {size: 10Gi}`,
      });
      continue;
    }
    if (!e) {
      issues.push({
        path: at(engine),
        value: '(settings)',
        allowed: `settings for generations on ${engine}: no generation of this database names engine: ${engine}`,
        fix: `add a generation with engine: ${engine}, or remove the ${engine} block`,
      });
      continue;
    }
    const misplaced = Object.keys(block).filter((k) => ENTRY_KEYS.includes(k));
    for (const k of misplaced) {
      issues.push({
        path: at(engine, k),
        value: block[k],
        allowed: `settings of ${engine} only: ${k} belongs to the database entry, which all its engines share`,
        fix: `move ${k} to the database entry (or, for generations, list them under generations with engine: ${engine})`,
      });
    }
    const origin: Record<string, Segment[]> = {};
    const entry: Raw = { engine };
    for (const k of SHARED_KEYS) {
      if (k in raw) {
        entry[k] = raw[k];
        origin[k] = [k];
      }
    }
    for (const [k, v] of Object.entries(block)) {
      if (misplaced.includes(k)) continue;
      entry[k] = v;
      origin[k] = [engine, k];
    }
    const inherited = INHERITED_KEYS.filter((k) => raw[k] !== undefined && !(k in block));
    for (const k of inherited) {
      entry[k] = raw[k];
      origin[k] = [k];
    }
    // An image holds one engine's restore tool: the other engine's generations cannot share it.
    if (inherited.includes('drill') && isObject(raw.drill) && raw.drill.image !== undefined) {
      issues.push({
        path: at('drill', 'image'),
        value: raw.drill.image,
        allowed: `an image for ${own}'s generations only, but this drill also drills the generations on ${engine}, whose restore tool it would lack`,
        fix: `give the ${engine} block a drill of its own (${engine}: {drill: {...}}) with its image, or remove drill.image to take each engine's default`,
      });
    }
    if (!('postgresVersion' in block)) {
      // The major of its generations that do not set one: the first one's, else the database's.
      const firstOwn = e.gens.findIndex((g) => 'postgresVersion' in g);
      if (firstOwn >= 0) {
        entry.postgresVersion = e.gens[firstOwn].postgresVersion;
        origin.postgresVersion = ['generations', e.positions[firstOwn], 'postgresVersion'];
      } else if ('postgresVersion' in raw) {
        entry.postgresVersion = raw.postgresVersion;
        origin.postgresVersion = ['postgresVersion'];
      }
    }
    entry.generations = e.gens;
    origin.generations = ['generations'];
    origin.engine = ['generations', e.positions[0], 'engine'];
    others.push({ engine, entry, positions: e.positions, migrateFrom: e.migrateFrom, origin, inherited });
  }
  const engineKeys = names.filter((n) => n !== own);
  return { own: { ...withoutKeys(raw, engineKeys), ...(gens ? { generations: ownGens } : {}) }, ownPositions, others, issues };
}

function withoutKeys(o: Raw, keys: readonly string[]): Raw {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}

/** Maps a path inside the own entry's `generations` back to the stack's positions. */
export function ownPath(segs: readonly Segment[], positions: readonly number[]): Segment[] {
  if (segs[0] === 'generations' && typeof segs[1] === 'number') return ['generations', positions[segs[1]] ?? segs[1], ...segs.slice(2)];
  return [...segs];
}

/**
 * Parses the other engines' entries of one database with each engine's own schema; problems at
 * the paths the user wrote (`path` is the database entry's, e.g. `pgfleet:databases[0]`).
 */
export function parseOtherEngines(
  split: SplitEntry,
  engines: readonly EngineSchema[],
  path: string,
): { readonly value?: OtherEngines; readonly issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const settings: EngineSettings[] = [];
  for (const o of split.others) {
    const engine = engines.find((e) => e.name === o.engine)!;
    const prefix = (segs: readonly Segment[]): string => {
      const [head, ...rest] = segs;
      if (head === 'generations' && typeof rest[0] === 'number') {
        return joinPath([path, 'generations', o.positions[rest[0]] ?? rest[0], ...rest.slice(1)]);
      }
      const from = typeof head === 'string' ? o.origin[head] : undefined;
      return joinPath([path, ...(from ?? [o.engine, ...(head === undefined ? [] : [head])]), ...rest]);
    };
    const parsed = engine.schema.safeParse(o.entry, { jitless: true });
    if (!parsed.success) issues.push(...fromZodIssues(parsed.error.issues, engine.schema, o.entry, prefix));
    const migrateFrom = o.migrateFrom.map((m, k): MigrateFromSpec | undefined => {
      if (m === undefined) return undefined;
      const r = migrateFromSchema.safeParse(m, { jitless: true });
      if (r.success) return r.data;
      const at = ['generations', o.positions[k], 'migrateFrom'];
      issues.push(...fromZodIssues(r.error.issues, migrateFromSchema, m, (segs) => joinPath([path, ...at, ...segs])));
      return undefined;
    });
    if (parsed.success) {
      settings.push({
        engine: o.engine,
        spec: parsed.data as DatabaseSpec,
        path: joinPath([path, o.engine]),
        positions: o.positions,
        migrateFrom,
        inherited: o.inherited,
        versionPath: joinPath([path, ...(o.origin.postgresVersion ?? [o.engine, 'postgresVersion'])]),
      });
    }
  }
  return issues.length ? { issues } : { value: { positions: split.ownPositions, settings }, issues };
}
