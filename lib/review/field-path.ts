/**
 * Paths of fields inside a manifest, as the diff shows them (`spec.plugins[0].parameters.serverName`,
 * `env[name=PGVERSION].value`) and as change rules write them (`[*]` for any element).
 */

/** A map key, or a list element (with its `name` when the list is compared by name). */
export type PathSegment = { readonly key: string } | { readonly index: number; readonly name?: string };

/** `spec.plugins[name=barman-cloud.cloudnative-pg.io].parameters`; map keys are written as they are. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if ('key' in s) out += out === '' ? s.key : `.${s.key}`;
    else out += s.name !== undefined ? `[name=${s.name}]` : `[${s.index}]`;
  }
  return out;
}

/**
 * How many leading segments of `segments` the rule path `pattern` covers, or undefined when it is
 * not a prefix at a segment boundary. Keys are compared literally, so keys holding dots or
 * slashes (annotation names) need no escaping; `[*]` matches any element, `[2]` the third and
 * `[name=x]` the element named x.
 */
export function matchPrefix(pattern: string, segments: readonly PathSegment[]): number | undefined {
  let pos = 0;
  for (let i = 0; i < segments.length; i++) {
    if (pos === pattern.length) return i;
    const s = segments[i];
    if ('key' in s) {
      if (i > 0) {
        if (pattern[pos] !== '.') return undefined;
        pos++;
      }
      if (!pattern.startsWith(s.key, pos)) return undefined;
      pos += s.key.length;
      if (pos < pattern.length && pattern[pos] !== '.' && pattern[pos] !== '[') return undefined;
    } else {
      if (pattern[pos] !== '[') return undefined;
      const close = pattern.indexOf(']', pos);
      if (close < 0) return undefined;
      const inner = pattern.slice(pos + 1, close);
      if (inner !== '*' && inner !== String(s.index) && !(s.name !== undefined && inner === `name=${s.name}`)) return undefined;
      pos = close + 1;
    }
  }
  return pos === pattern.length ? segments.length : undefined;
}

/** The value at `segments` in `value` (list elements compared by name are found by name). */
export function valueAt(value: unknown, segments: readonly PathSegment[]): unknown {
  let v: any = value;
  for (const s of segments) {
    if (v === undefined || v === null || typeof v !== 'object') return undefined;
    if ('key' in s) v = Array.isArray(v) ? undefined : v[s.key];
    else if (!Array.isArray(v)) return undefined;
    else v = s.name !== undefined ? v.find((e: any) => e && typeof e === 'object' && e.name === s.name) : v[s.index];
  }
  return v;
}
