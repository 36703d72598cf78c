/**
 * docs/patroni.md shows `pgfleet diff` and `pgfleet plan` output; every block marked
 * `<!-- output: pgfleet <diff|plan> <scenario> -->` must be what the tool prints for that
 * scenario (an excerpt: lines in order, `…` between runs that are left out). The scenarios are the
 * page's own stack changes to hcap-prod, compared with its committed output as `--from /tmp/base`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatDiff } from '../../lib/review/format-diff';
import { formatPlan } from '../../lib/review/format-plan';
import { buildPlan } from '../../lib/review/plan';
import { diffRendered } from '../../lib/review/stack-diff';
import { render, ROOT } from '../helpers';
import { hcap, stackConfig } from './patroni-stack';

const DUMP = '/backups/daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz';
const images = (stackConfig('hcap-prod')['pgfleet:databases'] as Record<string, any>[])[0].images;

const scenarios: Record<string, Record<string, unknown>> = {
  restore: hcap({
    serving: 'hcap-patroni',
    generations: [
      { name: 'hcap-patroni' },
      { name: 'hcap-patroni-20261120', restoreFrom: { generation: 'hcap-patroni', targetTime: '2026-11-20T08:00:00-08:00' } },
    ],
  }),
  inplace: hcap({
    acknowledge: ['destroys-data:hcap-patroni'],
    inPlaceRestore: {
      generation: 'hcap-patroni',
      id: '20261121',
      backupFile: DUMP,
      scaleDown: [{ kind: 'DeploymentConfig', name: 'hcap-server' }],
    },
  }),
  upgrade: hcap(
    {
      images: { ...images, '15': 'registry.example.org/hcap/patroni-postgres:15.8-1' },
      serving: 'hcap-patroni',
      generations: [{ name: 'hcap-patroni' }, { name: 'hcap-pg15', postgresVersion: 15, upgradeFrom: { generation: 'hcap-patroni' } }],
    },
    { image: 'docker.io/bcgovimages/backup-container:2.13.0' },
  ),
};

function output(command: string, scenario: string): string[] {
  const base = render(stackConfig('hcap-prod'), { stack: 'hcap-prod' });
  const next = render(scenarios[scenario], { stack: 'hcap-prod', previous: base.state });
  const diff = diffRendered(base.files, next, { baseName: '/tmp/base/hcap-prod' });
  const text = command === 'diff' ? formatDiff([diff], 'text', { color: false }) : formatPlan(buildPlan(diff), 'text', { color: false });
  return text.split('\n').map((l) => l.trimEnd());
}

/** The marked blocks of the page: command, scenario and lines. */
function blocks(): { command: string; scenario: string; lines: string[] }[] {
  const page = fs.readFileSync(path.join(ROOT, 'docs/patroni.md'), 'utf8');
  return [...page.matchAll(/<!-- output: pgfleet (diff|plan) (\w+) -->\n```\n([\s\S]*?)\n```/g)].map((m) => ({
    command: m[1],
    scenario: m[2],
    lines: m[3].split('\n'),
  }));
}

/** True when the runs of `excerpt` (split at `…` lines) appear in `full`, in order, each contiguous. */
function isExcerpt(excerpt: readonly string[], full: readonly string[]): boolean {
  const runs: string[][] = [[]];
  for (const l of excerpt) {
    if (l === '…') runs.push([]);
    else runs[runs.length - 1].push(l);
  }
  let from = 0;
  for (const run of runs) {
    let at = -1;
    for (let i = from; i + run.length <= full.length && at < 0; i++) if (run.every((l, k) => full[i + k] === l)) at = i;
    if (at < 0) return false;
    from = at + run.length;
  }
  return true;
}

describe('docs/patroni.md shows real pgfleet output', () => {
  const found = blocks();

  test('the page marks the restore, in-place restore and upgrade outputs', () => {
    expect(found.map((b) => `${b.command} ${b.scenario}`)).toEqual([
      'diff restore',
      'plan restore',
      'diff inplace',
      'plan inplace',
      'plan upgrade',
    ]);
  });

  test.each(found.map((b) => [`${b.command} ${b.scenario}`, b] as const))('%s', (_name, b) => {
    const full = output(b.command, b.scenario);
    if (!isExcerpt(b.lines, full)) expect(b.lines.join('\n')).toBe(full.join('\n'));
  });

  test('a stale summary line is caught', () => {
    const b = found.find((x) => x.command === 'diff' && x.scenario === 'restore')!;
    const stale = b.lines.map((l) => l.replace(/14 objects: 14 added, 0 changed/, '15 objects: 14 added, 1 changed'));
    expect(isExcerpt(stale, output('diff', 'restore'))).toBe(false);
    expect(isExcerpt(b.lines, output('diff', 'restore'))).toBe(true);
  });
});
