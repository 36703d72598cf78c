/**
 * Scenario helpers for the diff and plan tests: a change is a pair of stack configs, rendered as
 * two consecutive synths would (the second with the first's state), and compared with
 * `diffRendered` exactly as `pgfleet diff` does, without git.
 */
import { ConfigError } from '../../lib/config/config-error';
import type { RenderedStack } from '../../lib/outputs/render-stack';
import { diffRendered } from '../../lib/review/stack-diff';
import type { StackDiff } from '../../lib/review/diff-types';
import { render } from '../helpers';

export type Config = Record<string, unknown>;

/** The base render and the render after the change. */
export function change(
  before: Config,
  after: Config,
  opts: { stack?: string; base?: Map<string, string> } = {},
): { base: RenderedStack; next: RenderedStack; diff: StackDiff } {
  const stack = opts.stack ?? 'test-prod';
  const base = render(before, { stack });
  const next = render(after, { stack, previous: base.state });
  return { base, next, diff: diffRendered(opts.base ?? base.files, next, { baseName: 'HEAD:dist/test-prod' }) };
}

/**
 * One line per change, the form the scenario tables expect:
 * `~ Cluster/forgejo-db spec.imageCatalogRef.major irreversible+downtime`, `+ Backup/x safe`.
 */
export function summary(d: StackDiff): string[] {
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  return d.objects.flatMap((o) =>
    o.changes.map((c) => `${sign[o.op]} ${o.kind}/${o.name}${c.path ? ` ${c.path}` : ''} ${c.reasons.map((r) => r.class).join('+')}`),
  );
}

/** The gate as `passes` / `fails: name, ...`, plus how each required name was acknowledged. */
export function gateSummary(d: StackDiff): string {
  if (d.gate.ok) return `passes${d.gate.required.length ? `: ${d.gate.required.map((a) => `${a.name} by ${a.by}`).join(', ')}` : ''}`;
  return `fails: ${d.gate.missing.map((a) => a.name).join(', ')}`;
}

/** The config paths of a refused change. */
export function refusal(before: Config, after: Config, stack = 'test-prod'): string[] {
  const base = render(before, { stack });
  try {
    render(after, { stack, previous: base.state });
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map((i) => i.path);
    throw e;
  }
  throw new Error('the change was accepted');
}
