import * as fs from 'node:fs';
import * as path from 'node:path';

/** The files of a rendered stack directory (`dist/<stack>/`), or an empty map when it is missing. */
export function readRenderedDir(dir: string): Map<string, string> {
  if (!fs.existsSync(dir)) return new Map();
  return new Map(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

/** Files that differ between what the program renders now and what was reviewed (added, changed or gone). */
export function unreviewedFiles(rendered: ReadonlyMap<string, string>, reviewed: ReadonlyMap<string, string>): string[] {
  const names = new Set([...rendered.keys(), ...reviewed.keys()]);
  return [...names].filter((f) => rendered.get(f) !== reviewed.get(f)).sort();
}
