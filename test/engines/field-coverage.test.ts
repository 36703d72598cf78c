/**
 * No stack field can vanish: every leaf of every engine's stack schema, set to a marker value in a
 * stack that sets everything, must change what synth writes (the manifests and Helm values, not the
 * state file), or be listed in CONSUMED with why pgfleet itself is its only reader. The leaves come
 * from the schema, so a new field fails here until it reaches the output or is listed.
 *
 * A CloudNativePG `backup.endpointURL` that a cast let fall out of three manifests is the bug this
 * guards against: the generated classes drop keys they do not map, without a word.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import { ConfigError } from '../../lib/config/config-error';
import { STATE_FILE } from '../../lib/config/stack-state';
import { ENGINES } from '../../lib/engines';
import { renderStack } from '../../lib/outputs/render-stack';
import { stackFrom } from '../helpers';
import { BASES, CONSUMED, LOST, MARKERS, type Marker } from './field-coverage-stacks';

type Schema = Record<string, any>;
type Segment = string | number;

/** A leaf of a schema: its key (`backup.credentials<0>.vault.path`, `[]` for items, `{}` for map values) and schema. */
interface Leaf {
  readonly key: string;
  readonly schema: Schema;
}

/** Where a base stack sets a leaf: the database entry and the path below it (a map leaf: the map). */
interface Occurrence extends Leaf {
  readonly base: string;
  readonly db: number;
  readonly path: readonly Segment[];
  readonly value: unknown;
  readonly map: boolean;
}

const ajv = new Ajv({ strict: false, logger: false });
addFormats(ajv);
const compiled = new Map<Schema, ValidateFunction>();

function matches(schema: Schema, root: Schema, value: unknown): boolean {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile({ ...schema, definitions: root.definitions });
    compiled.set(schema, v);
  }
  return v(value);
}

const deref = (s: Schema, root: Schema): Schema =>
  typeof s?.$ref === 'string' ? deref(root.definitions[s.$ref.split('/').pop()!], root) : s;
const branchesOf = (s: Schema): Schema[] | undefined => s.anyOf ?? s.oneOf;
const isObject = (s: Schema) => s.type === 'object' && (s.properties || s.additionalProperties);

type Visit = (leaf: Leaf, path: Segment[], value: unknown, map: boolean) => void;

/**
 * The leaves of a schema (`value` undefined: every branch of every union) or those a value sets,
 * with where it sets them (only the union branches it matches).
 */
function walk(root: Schema, value: unknown, visit: Visit, withData: boolean): void {
  const go = (node: Schema, k: string, path: Segment[], v: unknown): void => {
    node = deref(node, root);
    const branches = branchesOf(node);
    if (branches) {
      branches.forEach((b, i) => (!withData || matches(b, root, v)) && go(b, `${k}<${i}>`, path, v));
      return;
    }
    if (node.type === 'object' && node.properties) {
      for (const [p, child] of Object.entries<Schema>(node.properties)) {
        const c = (v as Record<string, unknown> | undefined)?.[p];
        if (!withData || c !== undefined) go(child, k ? `${k}.${p}` : p, [...path, p], c);
      }
      return;
    }
    if (node.type === 'object' && node.additionalProperties) {
      const values = deref(node.additionalProperties, root);
      const each = branchesOf(values) ?? [values];
      each.forEach((b, i) => visit({ key: `${k}{}${each.length > 1 ? `<${i}>` : ''}`, schema: b }, path, v, true));
      return;
    }
    const items = node.type === 'array' && node.items ? deref(node.items, root) : undefined;
    if (items && (isObject(items) || branchesOf(items))) {
      if (!withData) go(items, `${k}[]`, path, undefined);
      else (v as unknown[]).forEach((item, i) => go(items, `${k}[]`, [...path, i], item));
      return;
    }
    visit({ key: k, schema: node }, path, v, false);
  };
  go(root, '', [], value);
}

/** The leaves of an engine's schema, and where its base stacks set them. */
function leavesOf(engine: (typeof ENGINES)[number]) {
  const root = z.toJSONSchema(engine.schema, { io: 'input', unrepresentable: 'any', target: 'draft-7' }) as Schema;
  const all = new Map<string, Leaf>();
  walk(root, undefined, (leaf) => all.set(leaf.key, leaf), false);
  const occurrences: Occurrence[] = [];
  for (const [base, config] of Object.entries(BASES[engine.name] ?? {})) {
    (config['pgfleet:databases'] as unknown[]).forEach((db, i) => {
      walk(root, db, (leaf, path, value, map) => occurrences.push({ ...leaf, base, db: i, path, value, map }), true);
    });
  }
  return { all, occurrences };
}

/** The last number in a string, plus one ("50Gi" → "51Gi", "0 2 * * *" → "0 2 * * *" with the hour raised). */
const bumpLastNumber = (s: string) => {
  const m = /(\d+)(\D*)$/.exec(s);
  return m ? `${s.slice(0, m.index)}${String(Number(m[1]) + 1).padStart(m[1].length, '0')}${m[2]}` : undefined;
};

/** A value of the leaf's schema other than `current`, or undefined when none can be derived. */
function genericMarker(schema: Schema, current: unknown): unknown {
  if (Array.isArray(schema.enum)) return schema.enum.find((v: unknown) => v !== current);
  if (schema.const !== undefined) return undefined;
  switch (schema.type) {
    case 'boolean':
      return !current;
    case 'integer':
    case 'number': {
      const n = typeof current === 'number' ? current : (schema.minimum ?? 1);
      return schema.maximum !== undefined && n + 1 > schema.maximum ? n - 1 : n + 1;
    }
    case 'string': {
      if (typeof current !== 'string') return 'pgfleet-marker';
      const candidates = [bumpLastNumber(current), `${current}x`].filter((c): c is string => c !== undefined);
      return candidates.find((c) => ajv.validate(schema, c));
    }
    case 'array': {
      const items = (current as unknown[]) ?? [];
      const next = genericMarker(schema.items ?? {}, items[items.length - 1]);
      return next === undefined ? undefined : [...items, next];
    }
    default:
      return undefined;
  }
}

const outputOf = (config: Record<string, unknown>) => {
  const r = renderStack(stackFrom(config, { stack: 'coverage-test' }));
  return new Map([...r.files].filter(([f]) => f !== STATE_FILE));
};

/** The scalar fields beside a leaf (itself left out): what decides whether it is tried again in another base. */
function contextOf(base: Record<string, unknown>, o: Occurrence): string {
  let parent: any = (base['pgfleet:databases'] as unknown[])[o.db];
  for (const seg of o.path.slice(0, -1)) parent = parent?.[seg];
  const leaf = o.path[o.path.length - 1];
  const scalars = Object.entries((parent ?? {}) as Record<string, unknown>)
    .filter(([k, v]) => k !== leaf && (v === null || typeof v !== 'object'))
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(scalars);
}

const baseOutputs = new Map<Record<string, unknown>, Map<string, string>>();
const baseOutput = (base: Record<string, unknown>) => {
  if (!baseOutputs.has(base)) baseOutputs.set(base, outputOf(base));
  return baseOutputs.get(base)!;
};

function setAt(target: any, path: readonly Segment[], value: unknown): void {
  for (const seg of path.slice(0, -1)) target = target[seg];
  target[path[path.length - 1]] = value;
}

/** Renders the base with the marker applied; what changed, or why the marker does not apply. */
function tryMarker(o: Occurrence, base: Record<string, unknown>, marker: Marker | undefined): string | undefined {
  const config = structuredClone(base);
  const db = (config['pgfleet:databases'] as Record<string, any>[])[o.db];
  if (typeof marker === 'function') marker(db, { path: o.path, value: o.value });
  else if (o.map) {
    // A map: its first entry changed, or an entry added to an empty one.
    const [first] = Object.entries((o.value ?? {}) as Record<string, unknown>);
    const m = marker ?? genericMarker(o.schema, first?.[1]);
    if (m === undefined) return `no marker for a value of ${o.key}: add one to MARKERS`;
    setAt(db, [...o.path, first?.[0] ?? 'pgfleetmarker'], m);
  } else {
    const value = marker ?? genericMarker(o.schema, o.value);
    if (value === undefined) return `no marker derived from ${JSON.stringify(o.value)}: add one to MARKERS`;
    setAt(db, o.path, value);
  }
  let after: Map<string, string>;
  try {
    after = outputOf(config);
  } catch (e) {
    if (e instanceof ConfigError) return `the marker is refused: ${e.issues.map((i) => `${i.path}: ${i.allowed}`).join('; ')}`;
    throw e;
  }
  const before = baseOutput(base);
  const same = [...before.keys()].length === after.size && [...before].every(([f, text]) => after.get(f) === text);
  return same ? 'the output does not change' : undefined;
}

describe.each(ENGINES.map((e) => [e.name, e] as const))('every field of %s reaches the output', (name, engine) => {
  const { all, occurrences } = leavesOf(engine);
  const consumed = CONSUMED[name] ?? {};
  // `key@base1,base2`: not read in those bases (the reason says where it is).
  const exempt = new Map(
    Object.keys(consumed)
      .filter((k) => k.includes('@'))
      .map((k) => [k.split('@')[0], k.split('@')[1].split(',')] as const),
  );

  test.each(Object.keys(BASES[name] ?? {}))('base stack %s renders', (base) => {
    expect(() => outputOf(BASES[name][base])).not.toThrow();
  });

  test('each leaf is set by a base stack, or consumed by pgfleet itself', () => {
    const covered = new Set(occurrences.map((o) => o.key));
    const missing = [...all.keys()].filter((k) => !covered.has(k) && !(k in consumed));
    expect(missing).toEqual([]);
    expect(Object.keys(consumed).filter((k) => !all.has(k.split('@')[0]))).toEqual([]);
  });

  const lost = LOST[name] ?? {};

  test('each leaf set to a marker changes the output', () => {
    const failures: string[] = [];
    const tried = new Set<string>();
    for (const o of occurrences) {
      // Once per context: a field whose object has the same scalar fields as where it was tried (in
      // an earlier base) is not tried again; bases differ in variants, and their fields differ.
      const context = `${o.key} ${contextOf(BASES[name][o.base], o)}`;
      if (tried.has(context)) continue;
      tried.add(context);
      if (o.key in consumed || o.key in lost || exempt.get(o.key)?.includes(o.base)) continue;
      // A retired generation renders nothing: none of its fields can reach the output.
      const db = (BASES[name][o.base]['pgfleet:databases'] as Record<string, any>[])[o.db];
      if (o.path[0] === 'generations' && db.retired?.includes(db.generations[o.path[1] as number].name)) continue;
      const why = tryMarker(o, BASES[name][o.base], MARKERS[name]?.[o.key]);
      if (why) failures.push(`${o.key} (base ${o.base}, ${o.path.join('.')}): ${why}`);
    }
    expect(failures).toEqual([]);
  });

  test('the fields known to be lost are still lost (remove an entry once its field reaches the output)', () => {
    const reached = occurrences.filter((o) => o.key in lost && tryMarker(o, BASES[name][o.base], MARKERS[name]?.[o.key]) === undefined);
    expect(reached.map((o) => o.key)).toEqual([]);
    expect(Object.keys(lost).filter((k) => !occurrences.some((o) => o.key === k))).toEqual([]);
  });
});
