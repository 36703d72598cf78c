import { z } from 'zod';
import { ENTRY_KEYS, migrateFromSchema } from './engine-migration';
import { CONFIG_NAMESPACE } from './load-stack';
import { type EngineSchema, stackSchemaOf } from './stack-schema';

/**
 * JSON Schema of a stack file (`Pulumi.<stack>.yaml`), for editor completion and checks. It
 * describes the `config:` mapping with pgfleet's keys prefixed as Pulumi writes them; the
 * cross-field rules (restore sources, cutover, transitions) are checked by `pgfleet synth`.
 */
export function stackFileJsonSchema(engines: readonly EngineSchema[]): Record<string, unknown> {
  const inner = z.toJSONSchema(stackSchemaOf(engines).stack, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as {
    properties: Record<string, unknown>;
    required?: string[];
    $defs?: Record<string, unknown>;
  };
  withEngineMigration(inner, engines);
  const prefixed = (k: string) => `${CONFIG_NAMESPACE}:${k}`;
  const databases = inner.properties.databases as { items?: { oneOf?: Record<string, any>[] } } | undefined;
  if (databases?.items?.oneOf) databases.items = byEngine(databases.items.oneOf);
  withDefaultsDescribed(inner);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://pgfleet.dev/schema/stack-file.json',
    title: 'pgfleet stack file',
    type: 'object',
    properties: {
      config: {
        description: "The stack's configuration: pgfleet's keys (`pgfleet:…`) beside other providers' (e.g. `kubernetes:context`).",
        type: 'object',
        properties: Object.fromEntries(Object.entries(inner.properties).map(([k, v]) => [prefixed(k), v])),
        required: (inner.required ?? []).map(prefixed),
        // Other providers' keys (e.g. kubernetes:context) belong to Pulumi.
        patternProperties: { [`^(?!${CONFIG_NAMESPACE}:)`]: {} },
        additionalProperties: false,
      },
    },
    required: ['config'],
    ...(inner.$defs ? { $defs: inner.$defs } : {}),
  };
}

/**
 * The database entry as one schema per engine chosen by its `engine` key (if/then), instead of a
 * `oneOf` of all five: an editor then checks a CloudNativePG entry against CloudNativePG's fields
 * only, and a typo in it does not also report the missing fields of every other engine.
 */
function byEngine(branches: readonly Record<string, any>[]): Record<string, unknown> {
  const nameOf = (b: Record<string, any>) => b.properties?.engine?.const as string;
  const names = branches.map(nameOf);
  return {
    type: 'object',
    required: ['engine'],
    properties: {
      engine: {
        enum: names,
        description: `The operator that runs this database: ${names.join(', ')}. Decides which fields the entry takes.`,
      },
    },
    allOf: branches.map((b) => ({ if: { properties: { engine: { const: nameOf(b) } }, required: ['engine'] }, then: b })),
  };
}

type Json = Record<string, any>;

/**
 * Engine migration in the schema (lib/config/engine-migration.ts): each engine's database entry
 * may hold a block per other engine with that engine's settings, and generations on another
 * engine (`engine`, `migrateFrom`, that engine's generation fields).
 */
function withEngineMigration(
  inner: { properties: Record<string, unknown>; $defs?: Record<string, unknown> },
  engines: readonly EngineSchema[],
): void {
  const items = (inner.properties.databases as Json).items as Json;
  const options = items.oneOf as Json[];
  const copy = (x: unknown): Json => JSON.parse(JSON.stringify(x)) as Json;
  const engineOf = (o: Json) => o.properties.engine.const as string;
  const migrateFrom = z.toJSONSchema(migrateFromSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete migrateFrom.$schema;
  const defs = (inner.$defs ??= {});
  // Each engine's settings block and its generations as they sit in another engine's entry, defined once.
  for (const o of options) {
    const engine = engineOf(o);
    if (!engines.some((e) => e.name === engine)) continue;
    const block = copy(o);
    for (const k of ENTRY_KEYS) delete block.properties[k];
    // postgresVersion defaults to the first generation's, else the database's.
    block.required = (block.required ?? []).filter((k: string) => !ENTRY_KEYS.includes(k) && k !== 'postgresVersion');
    const version = block.properties.postgresVersion;
    if (version) version.description = `${version.description} Default: the first generation's on ${engine}, else the database's.`;
    block.description = `Settings of the database's generations on ${engine} (engine migration; docs/migration.md)`;
    defs[`${engine}-settings`] = block;
    const gen = copy(o.properties.generations.items);
    defs[`${engine}-generation`] = {
      ...gen,
      properties: {
        ...gen.properties,
        engine: { type: 'string', const: engine, description: `The engine this generation runs on: ${engine}.` },
        migrateFrom: {
          ...migrateFrom,
          description: `Copy a live generation of another engine into this new one on ${engine}. Default: none: the generation starts as ${engine}'s own do.`,
        },
      },
      required: [...(gen.required ?? []), 'engine'],
    };
  }
  for (const o of options) {
    const engine = engineOf(o);
    const others = options.map(engineOf).filter((e) => e !== engine && defs[`${e}-settings`]);
    for (const e of others) {
      o.properties[e] = {
        $ref: `#/$defs/${e}-settings`,
        description: `Settings of the database's generations on ${e} (engine migration; docs/migration.md). Default: none.`,
      };
    }
    const gen = o.properties.generations.items as Json;
    const own = { type: 'string', const: engine, description: `The engine this generation runs on. Default: the database's, ${engine}.` };
    const mine = { ...gen, properties: { ...gen.properties, engine: own } };
    o.properties.generations.items = { anyOf: [mine, ...others.map((e) => ({ $ref: `#/$defs/${e}-generation` }))] };
  }
}

/**
 * Appends each property's default to its description (`Default: 30d.`), taken from the `default`
 * zod wrote, because editors show the description on hover and in completion but not `default`.
 * Descriptions that already say their default (a default in prose) are left as they are.
 */
function withDefaultsDescribed(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(withDefaultsDescribed);
  if (!node || typeof node !== 'object') return;
  const props = (node as Json).properties as Record<string, Json> | undefined;
  for (const p of Object.values(props ?? {})) {
    if (p && 'default' in p && typeof p.description === 'string' && !/\bDefault: /.test(p.description))
      p.description = `${p.description} Default: ${flow(p.default)}.`;
  }
  for (const v of Object.values(node)) withDefaultsDescribed(v);
}

/** A value in YAML flow style, as a stack file would write it. */
function flow(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  if (v && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}: ${flow(x)}`)
      .join(', ')}}`;
  if (typeof v === 'string') return /^[\w./:@-]+$/.test(v) ? v : JSON.stringify(v);
  return String(v);
}
