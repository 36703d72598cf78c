/**
 * The field-level difference of two manifests: one entry per changed leaf (scalar, or an empty
 * map or list), so a rule on `spec.bootstrap` sees every field below it and the review shows each
 * old → new value.
 */
import { isDeepStrictEqual } from 'node:util';
import type { PathSegment } from './field-path';

export interface FieldChange {
  readonly path: readonly PathSegment[];
  /** undefined when the field is added. */
  readonly before: unknown;
  /** undefined when the field is removed. */
  readonly after: unknown;
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Lists whose elements are all maps with distinct string `name`s (containers, env, plugins...). */
function namesOf(list: readonly unknown[]): string[] | undefined {
  const names = list.map((e) => (isMap(e) && typeof e.name === 'string' ? e.name : undefined));
  if (names.some((n) => n === undefined) || new Set(names).size !== names.length) return undefined;
  return names as string[];
}

/** Every changed leaf between `before` and `after`, in a stable order. */
export function fieldDiff(before: unknown, after: unknown, path: readonly PathSegment[] = []): FieldChange[] {
  if (isDeepStrictEqual(before, after)) return [];
  const out: FieldChange[] = [];
  const b = before;
  const a = after;
  const bothMaps = (isMap(b) || b === undefined) && (isMap(a) || a === undefined);
  const bothLists = (Array.isArray(b) || b === undefined) && (Array.isArray(a) || a === undefined);
  if (bothMaps && (isMap(b) ? Object.keys(b).length : 0) + (isMap(a) ? Object.keys(a).length : 0) > 0) {
    const bm = (b ?? {}) as Record<string, unknown>;
    const am = (a ?? {}) as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(bm), ...Object.keys(am)])].sort()) {
      out.push(...fieldDiff(bm[key], am[key], [...path, { key }]));
    }
    return out;
  }
  if (bothLists && ((b as unknown[] | undefined)?.length ?? 0) + ((a as unknown[] | undefined)?.length ?? 0) > 0) {
    const bl = (b ?? []) as unknown[];
    const al = (a ?? []) as unknown[];
    // Lists of plain values (resourceNames, args, accessModes) read best whole: old → new.
    if ([...bl, ...al].every((e) => e === null || typeof e !== 'object')) return [{ path, before, after }];
    const bn = namesOf(bl);
    const an = namesOf(al);
    if (bn && an) {
      // Compared by name: show the element's index in the new list (the old one when removed).
      const sameSet = bn.length === an.length && bn.every((n) => an.includes(n));
      if (sameSet && bn.some((n, i) => an[i] !== n)) out.push({ path, before: bn, after: an });
      for (const name of [...bn, ...an.filter((n) => !bn.includes(n))]) {
        const ai = an.indexOf(name);
        const bi = bn.indexOf(name);
        out.push(...fieldDiff(bi >= 0 ? bl[bi] : undefined, ai >= 0 ? al[ai] : undefined, [...path, { index: ai >= 0 ? ai : bi, name }]));
      }
      return out;
    }
    for (let i = 0; i < Math.max(bl.length, al.length); i++) out.push(...fieldDiff(bl[i], al[i], [...path, { index: i }]));
    return out;
  }
  return [{ path, before, after }];
}
