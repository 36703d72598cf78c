/** Files that differ between what the program renders now and what was reviewed (added, changed or gone). */
export function unreviewedFiles(rendered: ReadonlyMap<string, string>, reviewed: ReadonlyMap<string, string>): string[] {
  const names = new Set([...rendered.keys(), ...reviewed.keys()]);
  return [...names].filter((f) => rendered.get(f) !== reviewed.get(f)).sort();
}
