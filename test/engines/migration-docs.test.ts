/**
 * docs/migration.md shows `pgfleet diff` for cas-ciip-dev's move to CloudNativePG: every line of
 * that block (runs split at `...`) is what pgfleet prints for the committed stack, compared with
 * the stack as it was before the move.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatDiff } from '../../lib/review/format-diff';
import { diffRendered } from '../../lib/review/stack-diff';
import { loadStack, ROOT, validator } from '../helpers';
import { renderStack } from '../../lib/outputs/render-stack';

const BEFORE = path.join(ROOT, 'test/fixtures/state-format-1/stacks/Pulumi.cas-ciip-dev.yaml');
const AFTER = path.join(ROOT, 'stacks/Pulumi.cas-ciip-dev.yaml');

test('docs/migration.md shows the diff pgfleet prints for cas-ciip-dev', () => {
  const base = renderStack(loadStack(BEFORE));
  const next = renderStack(loadStack(AFTER, { previous: base.state }));
  expect(validator().validate(next.objects.map((o) => o.manifest))).toEqual([]);
  const printed = formatDiff([diffRendered(base.files, next, { baseName: 'HEAD:dist/cas-ciip-dev' })], 'text', { color: false })
    .split('\n')
    .map((l) => l.trimEnd());
  const page = fs.readFileSync(path.join(ROOT, 'docs/migration.md'), 'utf8');
  const block = /\$ pgfleet diff --stack cas-ciip-dev\n([\s\S]*?)\n```/.exec(page)![1].split('\n');
  const runs: string[][] = [[]];
  for (const l of block) {
    if (l.trim() === '...') runs.push([]);
    else runs[runs.length - 1].push(l);
  }
  let from = 0;
  for (const run of runs) {
    const at = printed.findIndex((_l, i) => i >= from && run.every((l, k) => printed[i + k] === l));
    expect([at >= 0, run]).toEqual([true, run]);
    from = at + run.length;
  }
});
