import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RenderedStack } from './render-stack';

/**
 * Replaces `dir` with exactly the rendered files (pgfleet owns `dist/<stack>/`), leaving it
 * untouched when nothing changed.
 */
export function writeStack(rendered: RenderedStack, dir: string): { written: number; removed: number } {
  fs.mkdirSync(dir, { recursive: true });
  let written = 0;
  let removed = 0;
  const existing = new Set<string>();
  for (const f of fs.readdirSync(dir)) {
    if (!fs.statSync(path.join(dir, f)).isFile()) continue;
    if (rendered.files.has(f)) existing.add(f);
    else {
      fs.rmSync(path.join(dir, f));
      removed++;
    }
  }
  for (const [f, content] of rendered.files) {
    const p = path.join(dir, f);
    // Unchanged files are left alone, so their modification times (and editors' buffers) stay.
    if (existing.has(f) && fs.readFileSync(p, 'utf8') === content) continue;
    fs.writeFileSync(p, content);
    written++;
  }
  return { written, removed };
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
