/**
 * `npm run bench`: synthesizes and validates fleets of 1, 10, 100 and 1,000 databases built from
 * the sample stacks (cycling through their databases, renamed per copy), and prints the time per
 * fleet and per database. Output goes to a temporary directory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { findStackFiles, parseStackConfig } from '../lib/config/load-stack';
import { projectRoot } from '../lib/cli/project-root';
import { renderStack } from '../lib/outputs/render-stack';
import { writeStack } from '../lib/outputs/write-stack';
import { defaultCrdDirs, ManifestValidator } from '../lib/review/validate-manifests';

type Db = Record<string, any>;

/** Renames a database and every generation reference in it with a suffix. */
function copy(db: Db, i: number): Db {
  const s = (n: string) => `${n}-${i}`;
  const clone: Db = JSON.parse(JSON.stringify(db));
  clone.name = s(db.name);
  if (clone.generations) {
    for (const g of clone.generations) {
      g.name = s(g.name);
      if (g.restoreFrom) g.restoreFrom.generation = s(g.restoreFrom.generation);
      if (g.upgradeFrom) g.upgradeFrom.generation = s(g.upgradeFrom.generation);
    }
  } else clone.generations = [{ name: s(db.name) }];
  if (clone.serving) clone.serving = s(clone.serving);
  clone.retired = (clone.retired ?? []).map(s);
  clone.consumers = (clone.consumers ?? []).map((c: Db) => ({ ...c, secretName: s(c.secretName) }));
  return clone;
}

function main(): void {
  const root = projectRoot();
  const templates: { config: Record<string, unknown>; db: Db }[] = [];
  for (const f of findStackFiles(path.join(root, 'stacks'))) {
    const config = parse(fs.readFileSync(f, 'utf8')).config as Record<string, unknown>;
    for (const db of config['pgfleet:databases'] as Db[]) templates.push({ config, db });
  }
  const validator = new ManifestValidator({ crdDirs: defaultCrdDirs(root) });
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pgfleet-bench-'));
  console.log(`templates: ${templates.length} databases from stacks/; output in ${out}`);
  console.log('databases  objects  seconds  ms/database');
  for (const n of [1, 10, 100, 1000]) {
    const start = process.hrtime.bigint();
    const databases = Array.from({ length: n }, (_, i) => {
      const t = templates[i % templates.length];
      return { ...copy(t.db, i), namespace: (t.db.namespace as string | undefined) ?? (t.config['pgfleet:namespace'] as string) };
    });
    const base = templates[0].config;
    const spec = parseStackConfig({ ...Object.fromEntries(templates.flatMap((t) => Object.entries(t.config))), ...base, 'pgfleet:databases': databases }, { stack: `bench-${n}`, source: `bench fleet of ${n}` });
    const rendered = renderStack(spec);
    const problems = validator.validate(rendered.objects.map((o) => o.manifest));
    if (problems.length) throw new Error(`bench fleet invalid: ${problems.length} problems, first: ${JSON.stringify(problems[0])}`);
    writeStack(rendered, path.join(out, spec.stack));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(`${String(n).padStart(9)}  ${String(rendered.objects.length).padStart(7)}  ${seconds.toFixed(2).padStart(7)}  ${((seconds * 1000) / n).toFixed(1).padStart(11)}`);
  }
  fs.rmSync(out, { recursive: true, force: true });
}

main();
