/**
 * The pinned upstream code conformance tests execute (backup-container, blackbox, the cas-postgres
 * chart, Spilo, the sclorg image scripts): CI has it at ../shared/upstream; a user gets the same
 * revisions with `npm run fetch-upstream` (into .cache/upstream); `PGFLEET_UPSTREAM=dir` points
 * elsewhere. Without any of them the suites skip and say so (in CI they fail instead).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './helpers';

export type UpstreamName =
  | 'backup-container-2.3.3'
  | 'backup-container-2.13.0'
  | 'blackbox-3.0.2'
  | 'cas-postgres-patroni-chart-0.21.4'
  | 'sclorg-postgresql-container-804ef01'
  | 'spilo-2.1-p2';

function candidates(name: UpstreamName): string[] {
  return [process.env.PGFLEET_UPSTREAM, path.join(ROOT, '..', 'shared', 'upstream'), path.join(ROOT, '.cache', 'upstream')]
    .filter((d): d is string => !!d)
    .map((d) => path.join(d, name));
}

/** Where the pinned copy is, or undefined. */
export function upstreamDir(name: UpstreamName): string | undefined {
  return candidates(name).find((d) => fs.existsSync(d));
}

/** Why a suite cannot run: the copies that are missing and how to get them; undefined when all are there. */
export function missingUpstream(...names: UpstreamName[]): string | undefined {
  const missing = names.filter((n) => !upstreamDir(n));
  if (!missing.length) return undefined;
  const reason = `pinned upstream ${missing.join(', ')} not found (npm run fetch-upstream, or PGFLEET_UPSTREAM=<dir>)`;
  if (process.env.CI === 'true') throw new Error(`${reason}: required in CI`);
  return reason;
}

/** `describe`, or `describe.skip` with the reason in its title (the test summary lists it). */
export function describeWithUpstream(names: readonly UpstreamName[], title: string, fn: () => void): void {
  const reason = missingUpstream(...names);
  if (reason) describe.skip(`${title} [skipped: ${reason}]`, fn);
  else describe(title, fn);
}
