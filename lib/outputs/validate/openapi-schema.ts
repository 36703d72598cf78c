/**
 * A CRD's `openAPIV3Schema` as a JSON Schema for ajv, with the API server's behaviour made
 * explicit: unknown fields are refused wherever the schema does not preserve them (the server
 * would prune them silently, which hides typos), int-or-string is one keyword, and repeated
 * sub-schemas become shared definitions.
 */
import type { SchemaObject } from 'ajv';
import { isPlainObject } from './manifest-problems';

/** Keys that never affect validation; dropping them makes identical sub-schemas compare equal. */
const IGNORED_KEYS = new Set(['description', 'default', 'example', 'x-kubernetes-validations']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties']);
const SCHEMA_VALUES = new Set(['items', 'additionalProperties', 'not']);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf']);

/** Prepared schemas per raw `openAPIV3Schema` object (parsed CRD files are cached by the catalog). */
const preparedCache = new WeakMap<object, SchemaObject>();

/**
 * Rewrites a CRD schema for ajv: closes objects against unknown fields, drops int-or-string
 * `anyOf`s (the keyword checks it, with one clear message) and moves repeated sub-schemas into
 * `$defs`. Generated CRDs inline the same Kubernetes types dozens of times (PGO: 3,000 schema
 * nodes, 222 distinct); shared definitions cut ajv's compile time for PGO from ~0.8 s to ~0.2 s.
 */
export function prepareSchema(raw: unknown): SchemaObject {
  if (!isPlainObject(raw)) return { type: 'object' };
  const cached = preparedCache.get(raw);
  if (cached) return cached;

  // Hash-consing: each distinct node (children replaced by ids) gets one id.
  const ids = new Map<string, number>();
  const nodes: Record<string, any>[] = [];
  const uses: number[] = [];
  const ref = (id: number) => ({ $node: id });
  const intern = (s: unknown): number => {
    const node: Record<string, any> = {};
    if (isPlainObject(s)) {
      for (const [k, v] of Object.entries(s)) {
        if (IGNORED_KEYS.has(k)) continue;
        if (SCHEMA_MAPS.has(k) && isPlainObject(v)) {
          node[k] = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, ref(intern(pv))]));
        } else if (SCHEMA_VALUES.has(k) && isPlainObject(v)) {
          node[k] = ref(intern(v));
        } else if (SCHEMA_LISTS.has(k) && Array.isArray(v)) {
          node[k] = v.map((x) => ref(intern(x)));
        } else {
          node[k] = v;
        }
      }
    }
    if (node['x-kubernetes-int-or-string'] === true) delete node.anyOf;
    if (node['x-kubernetes-embedded-resource'] === true && node.properties) {
      for (const k of ['apiVersion', 'kind']) node.properties[k] ??= ref(intern({ type: 'string' }));
      node.properties.metadata ??= ref(intern({ type: 'object' }));
    }
    if (node.properties && node.additionalProperties === undefined && node['x-kubernetes-preserve-unknown-fields'] !== true) {
      node.additionalProperties = false;
    }
    const key = JSON.stringify(node);
    let id = ids.get(key);
    if (id === undefined) {
      id = nodes.length;
      ids.set(key, id);
      nodes.push(node);
      uses.push(0);
    }
    uses[id]++;
    return id;
  };
  // The root always takes apiVersion, kind and metadata, even where a CRD leaves them out.
  const rootRaw = isPlainObject(raw.properties)
    ? { ...raw, properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...raw.properties } }
    : raw;
  const rootId = intern(rootRaw);

  const defs: Record<string, SchemaObject> = {};
  const isRef = (v: unknown): v is { $node: number } => isPlainObject(v) && typeof v.$node === 'number';
  const hasChildren = (node: Record<string, any>) =>
    Object.entries(node).some(
      ([k, v]) => (SCHEMA_MAPS.has(k) && Object.keys(v).length > 0) || isRef(v) || (Array.isArray(v) && v.some(isRef)),
    );
  const build = (id: number, asDef = false): SchemaObject => {
    const node = nodes[id];
    // Only shared nodes with children are worth a function of their own; leaves inline cheaply.
    if (!asDef && uses[id] > 1 && hasChildren(node)) {
      const name = `n${id}`;
      if (!(name in defs)) {
        defs[name] = {}; // reserve first: the build below may meet this node again
        defs[name] = build(id, true);
      }
      return { $ref: `#/$defs/${name}` };
    }
    const out: SchemaObject = {};
    for (const [k, v] of Object.entries(node)) {
      if (SCHEMA_MAPS.has(k) && isPlainObject(v)) {
        out[k] = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, build((pv as { $node: number }).$node)]));
      } else if (isRef(v)) {
        out[k] = build(v.$node);
      } else if (SCHEMA_LISTS.has(k) && Array.isArray(v)) {
        out[k] = v.map((x) => (isRef(x) ? build(x.$node) : x));
      } else {
        out[k] = v;
      }
    }
    return out;
  };
  // metadata stays as free-form as the CRD says: checkMetadata checks name and namespace for all kinds.
  const root = build(rootId, true);
  if (Object.keys(defs).length) root.$defs = defs;
  preparedCache.set(raw, root);
  return root;
}

/** Every `format` a schema uses. */
export function collectFormats(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) schema.forEach((s) => collectFormats(s, out));
  else if (isPlainObject(schema)) {
    for (const [k, v] of Object.entries(schema)) {
      if (k === 'format' && typeof v === 'string') out.add(v);
      else if (typeof v === 'object' && v !== null) collectFormats(v, out);
    }
  }
  return out;
}
