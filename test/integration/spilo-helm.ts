/**
 * The real cas-postgres `patroni` chart (pinned in ../shared/upstream, see test/upstream.ts)
 * rendered by a real helm (scripts/fetch-helm.js unpacks helm 3.16 into .cache/tools/helm): what
 * the Spilo conformance suites run pgfleet's values through.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { missingUpstream, upstreamDir } from '../upstream';
import { ROOT, tempDir } from '../helpers';

export const HELM = path.join(ROOT, '.cache', 'tools', 'helm');
export const CHART_UPSTREAM = 'cas-postgres-patroni-chart-0.21.4' as const;
export const POST_RENDERER = path.join(ROOT, 'bin', 'spilo-post-render.js');

/** Why the chart suites cannot run (helm or the pinned chart missing); throws in CI. */
export function missingChart(): string | undefined {
  const reasons = [
    fs.existsSync(HELM) ? undefined : `${path.relative(ROOT, HELM)} not found (node scripts/fetch-helm.js)`,
    missingUpstream(CHART_UPSTREAM),
  ].filter((r): r is string => !!r);
  if (!reasons.length) return undefined;
  if (process.env.CI === 'true') throw new Error(`${reasons.join('; ')}: required in CI (.ci/run fetches helm)`);
  return reasons.join('; ');
}

/** `describe`, or `describe.skip` with the reason in its title when helm or the chart is missing. */
export function describeWithChart(title: string, fn: () => void): void {
  const reason = missingChart();
  if (reason) describe.skip(`${title} [skipped: ${reason}]`, fn);
  else describe(title, fn);
}

export type Manifest = Record<string, any>;

export interface Rendered {
  readonly objects: Manifest[];
  /** The object of `kind` named `name`; throws when there is none. */
  find(kind: string, name: string): Manifest;
}

let scratch: string | undefined;

/**
 * `helm template <release> <chart> -n <namespace> -f <values>...` (later files override earlier
 * ones, as Helm merges them), optionally through pgfleet's post-renderer. Returns the objects, or
 * throws with helm's message.
 */
export function helmTemplate(
  release: string,
  namespace: string,
  values: readonly Record<string, unknown>[],
  options: { postRender?: boolean } = {},
): Rendered {
  scratch ??= tempDir('pgfleet-helm-');
  const files = values.map((v, i) => {
    const f = path.join(scratch!, `values-${process.pid}-${Date.now()}-${i}.yaml`);
    fs.writeFileSync(f, stringify(v));
    return f;
  });
  const chart = path.join(upstreamDir(CHART_UPSTREAM)!, 'patroni');
  const args = ['template', release, chart, '-n', namespace, ...files.flatMap((f) => ['-f', f])];
  if (options.postRender) args.push('--post-renderer', POST_RENDERER);
  const r = spawnSync(HELM, args, { encoding: 'utf8', env: { ...process.env, HELM_CACHE_HOME: scratch, HELM_CONFIG_HOME: scratch } });
  for (const f of files) fs.rmSync(f, { force: true });
  if (r.status !== 0) throw new Error(`helm template failed (${r.status}): ${r.stderr.trim()}`);
  const objects = parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as Manifest | null)
    .filter((o): o is Manifest => !!o);
  return {
    objects,
    find(kind: string, name: string) {
      const o = objects.find((x) => x.kind === kind && x.metadata?.name === name);
      if (!o) throw new Error(`no ${kind} ${name} in the chart; have ${objects.map((x) => `${x.kind}/${x.metadata?.name}`).join(', ')}`);
      return o;
    },
  };
}

/** `helm version --short`, for the suite title. */
export function helmVersion(): string {
  return execFileSync(HELM, ['version', '--short'], { encoding: 'utf8' }).trim();
}
