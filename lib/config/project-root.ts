import * as fs from 'node:fs';
import * as path from 'node:path';

/** The pgfleet checkout this code runs from and its package.json; undefined outside one. */
function checkout(from: string): { readonly dir: string; readonly version: string } | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    const meta = fs.existsSync(pkg) ? (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string; version?: string }) : undefined;
    if (meta?.name === 'pgfleet') return { dir, version: meta.version ?? 'unknown' };
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The pgfleet checkout this code runs from (source or build/), found by its package.json. */
export function projectRoot(from: string = __dirname): string {
  return checkout(from)?.dir ?? process.cwd();
}

/** pgfleet's version, from the package.json of the checkout it runs from. */
export function pgfleetVersion(from: string = __dirname): string {
  return checkout(from)?.version ?? 'unknown';
}
