/**
 * `npm run fuzz -- [--runs N] [--seed S] [--no-validate] [--keep K]`: the property test of
 * test/fuzz at any budget. Random edit sequences over every stack in stacks/, each step
 * synthesized against the previous output and judged by the fuzzer's own oracle; prints
 * sequences/s, violations by class and false alarms, with up to K examples of each. Exits 1 when
 * an accepted change endangers live data without the stack naming it.
 */
import * as path from 'node:path';
import { projectRoot } from '../lib/config/project-root';
import { ManifestValidator } from '../lib/outputs/validate/manifest-validator';
import { formatStats, runFuzz } from '../test/fuzz/fuzz-run';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} takes a whole number, not ${raw}`);
    process.exit(2);
  }
  return n;
}

const runs = option('runs', 1000);
const seed = option('seed', Date.now() % 2 ** 31);
const stats = runFuzz({
  runs,
  seed,
  stacksDir: path.join(projectRoot(), 'stacks'),
  validator: process.argv.includes('--no-validate') ? undefined : new ManifestValidator(),
  keep: option('keep', 5),
});
console.log(formatStats(stats, seed));
process.exitCode = stats.violations ? 1 : 0;
