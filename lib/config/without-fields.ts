/**
 * Partial parsing: an entry whose only problems are optional fields is still checked without
 * them, so one bad field does not hide the entry's other problems.
 */

/** A copy of a database entry without the fields the issues point at (leaves that exist), or undefined when none can go. */
export function withoutFields(
  entry: unknown,
  issues: readonly { readonly path: readonly PropertyKey[] }[],
): { value: unknown; paths: (string | number)[][] } | undefined {
  const paths = issues.map((i) => i.path as (string | number)[]);
  const copy = JSON.parse(JSON.stringify(entry)) as Record<string, unknown>;
  const removed: (string | number)[][] = [];
  for (const p of paths) {
    if (p.length === 0) return undefined;
    let parent: unknown = copy;
    for (const seg of p.slice(0, -1)) parent = parent && typeof parent === 'object' ? (parent as Record<string, unknown>)[seg] : undefined;
    const last = p[p.length - 1];
    if (!parent || typeof parent !== 'object' || Array.isArray(parent) || !(last in parent)) return undefined;
    delete (parent as Record<string, unknown>)[last];
    removed.push(p);
  }
  return removed.length ? { value: copy, paths: removed } : undefined;
}
