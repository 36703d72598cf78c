/**
 * Turns zod's issues into pgfleet's `ConfigIssue`s: path as the user writes it, the value found,
 * what is allowed (known keys, enum values, ranges) and a fix.
 */
import { z } from 'zod';
import { ConfigIssue, joinPath } from './config-error';

type Segment = string | number;

/** Reads the value at a path of the raw input. */
export function valueAt(root: unknown, path: readonly Segment[]): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg as string];
  }
  return v;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  /** Of a record: the schema of its values. */
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Unwraps optional/default/pipe wrappers and picks the union member matching the value. */
function unwrap(schema: z.ZodType, value: unknown): z.ZodType {
  let s = schema;
  for (;;) {
    const d = defOf(s);
    if (d.innerType && ['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch'].includes(d.type)) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else if (d.type === 'union' && d.options) {
      const disc = d.discriminator;
      const pick = disc
        ? d.options.find((o) => {
            const shape = defOf(unwrap(o, undefined)).shape;
            const lit = shape?.[disc] ? (defOf(shape[disc]) as unknown as { values?: unknown[] }).values : undefined;
            return lit?.includes((value as Record<string, unknown> | undefined)?.[disc]);
          })
        : d.options.find((o) => {
            const shape = defOf(unwrap(o, undefined)).shape;
            return shape && value && typeof value === 'object' && Object.keys(value).every((k) => k in shape);
          });
      if (!pick) return s;
      s = pick;
    } else return s;
  }
}

/** The alternatives of the union at `path` (the last step stays on the union itself). */
function unionOptionsAt(schema: z.ZodType, root: unknown, path: readonly Segment[]): z.ZodType[] {
  let s = path.length ? unwrap(schema, root) : schema;
  let v: unknown = root;
  for (const [i, seg] of path.entries()) {
    const d = defOf(s);
    v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg as string] : undefined;
    const next =
      d.type === 'object' && d.shape && typeof seg === 'string'
        ? d.shape[seg]
        : d.type === 'array'
          ? d.element
          : d.type === 'record'
            ? d.valueType
            : undefined;
    if (!next) return [];
    s = i === path.length - 1 ? next : unwrap(next, v);
  }
  // Through optional/default wrappers down to the union.
  for (let d = defOf(s); d.innerType && !d.options; d = defOf(s)) s = d.innerType;
  return defOf(s).options ?? [];
}

/** The values of `disc` the union at `path` tells apart, e.g. the engine names. */
function discriminatorValuesAt(schema: z.ZodType, root: unknown, path: readonly Segment[], disc: string): string[] {
  return unionOptionsAt(schema, root, path).flatMap((o) => {
    const shape = defOf(unwrap(o, undefined)).shape;
    return ((shape?.[disc] ? (defOf(shape[disc]) as unknown as { values?: unknown[] }).values : undefined) ?? []).map(String);
  });
}

/** The forms a union of mappings takes, by their keys: `{vault: …}` or `{existingSecret: …}`. */
function unionFormsAt(schema: z.ZodType, root: unknown, path: readonly Segment[]): string[] {
  return unionOptionsAt(schema, root, path).map((o) => {
    const shape = defOf(unwrap(o, undefined)).shape;
    return shape ? `{${Object.keys(shape).join(', ')}}` : describeType(defOf(o).type);
  });
}

/** The keys an object schema at `path` accepts (for "unknown key" messages). */
export function knownKeysAt(schema: z.ZodType, root: unknown, path: readonly Segment[]): string[] {
  let s = unwrap(schema, root);
  let v: unknown = root;
  for (const seg of path) {
    const d = defOf(s);
    v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg as string] : undefined;
    if (d.type === 'object' && d.shape && typeof seg === 'string' && d.shape[seg]) s = unwrap(d.shape[seg], v);
    else if (d.type === 'array' && d.element) s = unwrap(d.element, v);
    else if (d.type === 'record' && d.valueType) s = unwrap(d.valueType, v);
    else return [];
  }
  const shape = defOf(s).shape;
  return shape ? Object.keys(shape) : [];
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  const scored = candidates.map((c) => [c, distance(word, c)] as const).sort((a, b) => a[1] - b[1]);
  return scored.length && scored[0][1] <= Math.max(2, Math.floor(word.length / 3)) ? scored[0][0] : undefined;
}

const describeType = (t: unknown): string =>
  t === 'number'
    ? 'a number'
    : t === 'int'
      ? 'an integer'
      : t === 'object' || t === 'record'
        ? 'a mapping'
        : t === 'array'
          ? 'a list'
          : t === 'boolean'
            ? 'true or false'
            : `a ${String(t)}`;

/**
 * Converts zod issues. `prefix` maps a top-level key to how the user wrote it
 * (e.g. `databases` → `pgfleet:databases`).
 */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  input: unknown,
  prefix: (path: readonly Segment[]) => string,
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const i of issues) {
    const path = i.path as Segment[];
    const value = valueAt(input, path);
    const raw = i as unknown as Record<string, unknown>;
    switch (i.code) {
      case 'unrecognized_keys': {
        const known = knownKeysAt(schema, input, path);
        for (const key of i.keys) {
          const guess = closest(key, known);
          out.push({
            path: prefix([...path, key]),
            value: valueAt(input, [...path, key]),
            allowed: known.length ? `known keys here: ${known.join(', ')}` : 'no such key',
            fix: guess ? `did you mean "${guess}"? rename it` : 'remove it, or check the spelling',
          });
        }
        break;
      }
      case 'invalid_type': {
        const missing = value === undefined;
        // For a missing mapping, name what goes in it.
        const keys = raw.expected === 'object' ? knownKeysAt(schema, input, path) : [];
        out.push({
          path: prefix(path),
          value,
          allowed: keys.length ? `a mapping with keys ${keys.join(', ')}` : describeType(raw.expected),
          fix: missing
            ? `add ${String(path[path.length - 1])}`
            : `write ${describeType(raw.expected)} here${typeof value === 'string' && raw.expected === 'number' ? ' (without quotes)' : ''}`,
        });
        break;
      }
      case 'invalid_value':
        out.push({
          path: prefix(path),
          value,
          allowed: `one of ${(raw.values as unknown[]).map((x) => JSON.stringify(x)).join(', ')}`,
          fix: 'use one of the allowed values',
        });
        break;
      case 'invalid_key': {
        // A record key failed its schema: report the key's own message, at the key.
        const inner = (raw.issues as { message: string; params?: { fix?: string } }[] | undefined)?.[0];
        out.push({
          path: prefix(path),
          value: path[path.length - 1],
          allowed: inner?.message ?? i.message,
          fix: inner?.params?.fix ?? 'rename the key',
        });
        break;
      }
      case 'invalid_union': {
        const disc = raw.discriminator as string | undefined;
        if (raw.note === 'No matching discriminator' || disc) {
          const key = disc ?? 'engine';
          const at = path[path.length - 1] === key ? path : [...path, key];
          const union = path[path.length - 1] === key ? path.slice(0, -1) : path;
          out.push({
            path: prefix(at),
            value: valueAt(input, at),
            allowed: `one of ${discriminatorValuesAt(schema, input, union, key).join(', ')}`,
            fix: 'set engine to the operator that runs this database',
          });
        } else {
          const forms = unionFormsAt(schema, input, path);
          out.push({
            path: prefix(path),
            value,
            allowed: forms.length ? `one of these forms: ${forms.join(' or ')}` : i.message,
            fix:
              value === undefined
                ? `add ${String(path[path.length - 1])} in one of these forms`
                : 'write it in one of these forms (see the docs of the engine)',
          });
        }
        break;
      }
      case 'too_small':
      case 'too_big': {
        const what = raw.origin === 'array' ? 'items' : raw.origin === 'string' ? 'characters' : '';
        const bound = i.code === 'too_small' ? 'at least' : 'at most';
        out.push({
          path: prefix(path),
          value,
          allowed: i.message.startsWith('Too') ? `${bound} ${String(raw.minimum ?? raw.maximum)} ${what}`.trim() : i.message,
          fix: i.code === 'too_small' ? 'raise or lengthen it' : 'lower or shorten it',
        });
        break;
      }
      default: {
        const fix = (raw.params as { fix?: string } | undefined)?.fix;
        out.push({ path: prefix(path), value, allowed: i.message, fix: fix ?? 'change it to the form described under allowed' });
      }
    }
  }
  return out;
}

export { joinPath };
