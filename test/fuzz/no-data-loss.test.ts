/**
 * Issue 13's property, at CI's fixed budget: no random edit sequence over the sample stacks gets a
 * change past synth and the gate that the fuzzer's own oracle (./oracle.ts) finds dangerous to
 * live data without the stack acknowledging or retiring it; and refusals of harmless edits stay
 * rare. `npm run fuzz -- --runs N --seed S` runs the same at any budget.
 */
import * as path from 'node:path';
import { formatStats, runFuzz } from './fuzz-run';
import { ROOT, validator } from '../helpers';

/** Sequences CI runs (about 5 s on 2 idle cores); PGFLEET_FUZZ_RUNS / PGFLEET_FUZZ_SEED change the budget and seed. */
const RUNS = Number(process.env.PGFLEET_FUZZ_RUNS ?? 200);
const SEED = Number(process.env.PGFLEET_FUZZ_SEED ?? 20261120);

test(`${RUNS} random edit sequences (seed ${SEED}): no accepted change endangers live data unacknowledged; < 1% false alarms`, () => {
  const stats = runFuzz({ runs: RUNS, seed: SEED, stacksDir: path.join(ROOT, 'stacks'), validator: validator(), keep: 3 });
  const report = formatStats(stats, SEED);
  // The budget explores: enough steps are accepted, refused for danger, and harmless.
  expect(stats.edits).toBeGreaterThan(RUNS * 2);
  expect(stats.accepted).toBeGreaterThan(stats.edits / 4);
  expect(stats.rightlyRefused).toBeGreaterThan(0);
  expect(stats.violations ? report : 'no violations').toBe('no violations');
  expect(stats.falseAlarms / stats.harmless).toBeLessThan(0.01);
});
