/**
 * `npm run bench`: how fast pgfleet is, in the figures users compare it by.
 *
 * 1. The sample fleet as a user runs it: `node bin/pgfleet.js synth` of every stack in stacks/,
 *    whole process, full validation, repeated; mean and best wall time (target ≤ 0.5 s on 2 cores).
 * 2. Fleets of 1, 10, 100 and 1,000 databases built from the sample stacks (their databases
 *    cycled, renamed per copy), in one process: time per phase — parse, render, validate, write
 *    (into the existing output, as a re-synth does; the first write, which creates every file, is
 *    shown apart) — and peak memory (target: 1,000 databases ≤ 3 s). Output goes to build/bench/,
 *    on the same disk as dist/. Any invalid object fails the run.
 *
 * Figures only: nothing here is a timed test.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { findStackFiles, parseStackConfig } from '../lib/config/load-stack';
import { projectRoot } from '../lib/config/project-root';
import { ENGINES } from '../lib/engines';
import { resolveParsed } from '../lib/model/resolve';
import { renderStack } from '../lib/outputs/render-stack';
import { ManifestValidator } from '../lib/outputs/validate/manifest-validator';
import { writeStack } from '../lib/outputs/write-stack';

type Db = Record<string, any>;

/** Renames a database and every generation reference in it with a suffix. */
function copy(db: Db, i: number): Db {
  const s = (n: string) => `${n}-${i}`;
  const clone: Db = JSON.parse(JSON.stringify(db));
  // Every `generation` key refers to one (restoreFrom, upgradeFrom, migrateFrom, a manual backup).
  const refs = (v: unknown): void => {
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'generation' && typeof x === 'string') (v as Db)[k] = s(x);
      else refs(x);
    }
  };
  refs(clone);
  clone.name = s(db.name);
  if (clone.generations) for (const g of clone.generations) g.name = s(g.name);
  else clone.generations = [{ name: s(db.name) }];
  if (clone.serving) clone.serving = s(clone.serving);
  clone.retired = (clone.retired ?? []).map(s);
  clone.acknowledge = (clone.acknowledge ?? []).map((a: string) => a.replace(/:(.+)$/, (_m, n: string) => `:${s(n)}`));
  clone.consumers = (clone.consumers ?? []).map((c: Db) => ({ ...c, secretName: s(c.secretName) }));
  return clone;
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const col = (v: string | number, w: number) => String(v).padStart(w);

/** The CLI on the sample fleet, whole process; the output goes to a scratch directory. */
function sampleFleet(root: string, out: string, runs: number): void {
  const bin = path.join(root, 'bin', 'pgfleet.js');
  const args = [bin, 'synth', '--out', out];
  execFileSync(process.execPath, args, { cwd: root, stdio: 'ignore' }); // warm: build check, code cache, first write
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
    times.push(seconds(start));
  }
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const stacks = findStackFiles(path.join(root, 'stacks')).length;
  console.log(
    `sample fleet (${stacks} stacks), \`pgfleet synth\` whole process, ${runs} runs: mean ${mean.toFixed(3)} s, best ${Math.min(...times).toFixed(3)} s (target ≤ 0.5 s)`,
  );
}

function main(): void {
  const root = projectRoot();
  const benchDir = path.join(root, 'build', 'bench');
  fs.rmSync(benchDir, { recursive: true, force: true });
  const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 10);
  sampleFleet(root, path.join(benchDir, 'sample'), runs);

  const templates: { config: Record<string, unknown>; db: Db }[] = [];
  for (const f of findStackFiles(path.join(root, 'stacks'))) {
    const config = parse(fs.readFileSync(f, 'utf8')).config as Record<string, unknown>;
    for (const db of config['pgfleet:databases'] as Db[]) templates.push({ config, db });
  }
  const validator = new ManifestValidator();
  console.log(`\nfleets built from the ${templates.length} sample databases, one process (seconds per phase)`);
  console.log('databases  objects    parse   render  validate   write    total   (new dir)  ms/db  peak RSS');
  for (const n of [1, 10, 100, 1000]) {
    const databases = Array.from({ length: n }, (_, i) => {
      const t = templates[i % templates.length];
      return { ...copy(t.db, i), namespace: (t.db.namespace as string | undefined) ?? (t.config['pgfleet:namespace'] as string) };
    });
    const config = {
      ...Object.fromEntries(templates.flatMap((t) => Object.entries(t.config))),
      ...templates[0].config,
      'pgfleet:databases': databases,
    };
    const t0 = process.hrtime.bigint();
    const resolved = resolveParsed(parseStackConfig(config, { stack: `bench-${n}`, source: `bench fleet of ${n}`, engines: ENGINES }));
    const parsed = seconds(t0);
    const t1 = process.hrtime.bigint();
    const rendered = renderStack(resolved);
    const render = seconds(t1);
    const t2 = process.hrtime.bigint();
    const problems = validator.validate(rendered.objects.map((o) => o.manifest));
    const validate = seconds(t2);
    if (problems.length)
      throw new Error(`bench fleet of ${n} is invalid: ${problems.length} problems, first: ${JSON.stringify(problems[0])}`);
    const t3 = process.hrtime.bigint();
    writeStack(rendered, benchDir);
    const created = seconds(t3);
    // The every-commit case: the output exists and is compared file by file.
    const t4 = process.hrtime.bigint();
    writeStack(rendered, benchDir);
    const rewrite = seconds(t4);
    const total = parsed + render + validate + rewrite;
    const rss = `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`;
    console.log(
      `${col(n, 9)}  ${col(rendered.objects.length, 7)}  ${[parsed, render, validate, rewrite, total, created].map((x) => col(x.toFixed(3), 7)).join('  ')}  ${col(((total * 1000) / n).toFixed(1), 5)}  ${col(rss, 8)}`,
    );
  }
  console.log('(write: into the existing output, as on every commit; "new dir": the first synth, creating every file, which');
  console.log(' on this disk varies from 0.2 to 2 s for 12,000 files with plain fs.writeFileSync. Target: 1,000 databases ≤ 3 s)');
  fs.rmSync(benchDir, { recursive: true, force: true });
}

main();
