import * as fs from 'node:fs';
import * as path from 'node:path';
import { STATE_FILE } from '../config/stack-state';
import type { RenderedStack } from './render-stack';

/** Files pgfleet writes into `<out>/<stack>/`: the only ones it ever replaces or deletes there. */
export function isOwnedFile(name: string): boolean {
  return /^[a-z0-9][-a-z0-9.]*\.yaml$/.test(name) || name === STATE_FILE;
}

/**
 * Makes `<outDir>/<stack>/` hold exactly the rendered files, touching nothing else: files
 * unchanged are left alone, pgfleet's files no longer rendered are removed, and anything a person
 * put there (a README, a directory) stays. The stack name was checked at the config boundary; the
 * path is checked again here, so no write can land outside the stack's folder.
 */
export function writeStack(rendered: RenderedStack, outDir: string): { dir: string; written: number; removed: number } {
  return writeStackFiles(rendered.resolved.spec.stack, rendered.files, outDir);
}

/** {@link writeStack} for files at hand (e.g. putting back a previous output). */
export function writeStackFiles(
  stack: string,
  files: ReadonlyMap<string, string>,
  outDir: string,
): { dir: string; written: number; removed: number } {
  const out = path.resolve(outDir);
  const dir = path.join(out, stack);
  if (path.dirname(dir) !== out || !/^[a-z0-9][-a-z0-9]*$/.test(stack))
    throw new Error(`refusing to write stack ${JSON.stringify(stack)} outside ${out}`);
  for (const f of files.keys())
    if (!isOwnedFile(f) || path.basename(f) !== f) throw new Error(`refusing to write ${JSON.stringify(f)} into ${dir}`);
  if (fs.lstatSync(dir, { throwIfNoEntry: false })?.isSymbolicLink()) throw new Error(`refusing to write through the symbolic link ${dir}`);
  fs.mkdirSync(dir, { recursive: true });
  let written = 0;
  let removed = 0;
  const existing = new Set<string>();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile() || !isOwnedFile(entry.name)) continue;
    if (files.has(entry.name)) existing.add(entry.name);
    else {
      fs.rmSync(path.join(dir, entry.name));
      removed++;
    }
  }
  for (const [f, content] of files) {
    const p = path.join(dir, f);
    // Unchanged files are left alone, so their modification times (and editors' buffers) stay.
    if (existing.has(f) && fs.readFileSync(p, 'utf8') === content) continue;
    fs.writeFileSync(p, content);
    written++;
  }
  return { dir, written, removed };
}

/** The files of a rendered stack directory (`dist/<stack>/`) by name; empty when it does not exist. */
export function readStackDir(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(dir)) return out;
  for (const f of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isFile()) out.set(f, fs.readFileSync(p, 'utf8'));
  }
  return out;
}
