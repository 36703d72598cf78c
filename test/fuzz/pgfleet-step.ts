/**
 * One synth as the fuzzer sees it: a stack config rendered against the previous output, exactly
 * the library calls `lib/cli/synth.ts` makes (state read from the previous files, transition
 * rules, render, schema validation, the diff gate), without the CLI or the disk.
 */
import { ConfigError, type ConfigIssue } from '../../lib/config/config-error';
import { parseStackConfig } from '../../lib/config/load-stack';
import { ENGINES } from '../../lib/engines';
import { resolveParsed } from '../../lib/model/resolve';
import { renderStack } from '../../lib/outputs/render-stack';
import type { ManifestValidator } from '../../lib/outputs/validate/manifest-validator';
import type { Acknowledgement, StackDiff } from '../../lib/review/diff-types';
import { stateOfFiles } from '../../lib/review/reviewed-object';
import { diffRendered } from '../../lib/review/stack-diff';

/** Files of `dist/<stack>/`, by name. */
export type StackFiles = ReadonlyMap<string, string>;

export type StepOutcome =
  /** Written: no config problem, valid objects, the gate passed. */
  | { readonly kind: 'accepted'; readonly files: StackFiles; readonly diff: StackDiff }
  /** Refused by a transition rule or another config rule. */
  | { readonly kind: 'config'; readonly issues: readonly ConfigIssue[] }
  /** Refused by the gate: changes that need an acknowledgement the stack lacks. */
  | { readonly kind: 'gate'; readonly missing: readonly Acknowledgement[]; readonly diff: StackDiff }
  /** Refused: synthesized objects fail their schemas. */
  | { readonly kind: 'invalid'; readonly problems: readonly string[] };

/** Renders `config` against the previous output `base` (empty: a new stack) as `pgfleet synth` does. */
export function synthStep(stack: string, config: Record<string, unknown>, base: StackFiles, validator?: ManifestValidator): StepOutcome {
  try {
    const previous = stateOfFiles(base, ENGINES, `dist/${stack}`);
    const resolved = resolveParsed(parseStackConfig(config, { stack, source: `Pulumi.${stack}.yaml`, previous, engines: ENGINES }));
    const rendered = renderStack(resolved);
    const problems = validator?.validate(rendered.objects.map((o) => o.manifest)) ?? [];
    if (problems.length) return { kind: 'invalid', problems: problems.map((p) => `${p.object}: ${p.path}: ${p.message}`) };
    const diff = diffRendered(base, rendered, { baseName: `dist/${stack}` });
    if (!diff.gate.ok) return { kind: 'gate', missing: diff.gate.missing, diff };
    return { kind: 'accepted', files: rendered.files, diff };
  } catch (e) {
    if (e instanceof ConfigError) return { kind: 'config', issues: e.issues };
    throw e;
  }
}

/** The output of `config` as a new stack (no previous state, no gate), or undefined when the config itself is invalid. */
export function renderFresh(stack: string, config: Record<string, unknown>): StackFiles | undefined {
  try {
    const resolved = resolveParsed(parseStackConfig(config, { stack, source: `Pulumi.${stack}.yaml`, engines: ENGINES }));
    return renderStack(resolved).files;
  } catch (e) {
    if (e instanceof ConfigError) return undefined;
    throw e;
  }
}

/** What the diff said of each change, one line each (for reports). */
export function diffLines(diff: StackDiff): string[] {
  return diff.objects.flatMap((o) => o.changes.map((c) => `${o.file} ${c.path || '(object)'}: ${c.class}: ${c.reasons[0]?.why ?? ''}`));
}
