/**
 * The gate, where it refuses: `pgfleet synth`, `cdk8s synth` and the Pulumi program stop with
 * this message when a change that destroys data or cannot be undone is not acknowledged in the
 * stack, the same verdict `pgfleet diff` gives.
 */
import type { StackDiff } from './diff-types';

/** Thrown when the gate fails; nothing is written or deployed. */
export class GateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GateError';
  }
}

/** Every unacknowledged change of the diffs, what it does, and the lines to add; empty when the gate passes. */
export function gateRefusal(diffs: readonly StackDiff[], context: string): string {
  const out: string[] = [];
  for (const d of diffs.filter((x) => !x.gate.ok)) {
    out.push(
      `${d.stack}: ${context}: ${d.gate.missing.length} change${d.gate.missing.length === 1 ? '' : 's'} not acknowledged (compared with ${d.base})`,
    );
    const byPath = new Map<string, string[]>();
    for (const a of d.gate.missing) {
      const why = d.objects.flatMap((o) =>
        o.changes
          .filter((c) => c.acknowledgements.some((x) => x.name === a.name && !x.acknowledged))
          .map(
            (c) =>
              `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}: ${c.reasons.find((r) => r.class === a.class)?.why ?? c.reasons[0].why}`,
          ),
      );
      out.push(`  - ${a.name}`);
      for (const w of [...new Set(why)]) out.push(`      ${w}`);
      byPath.set(a.configPath, [...(byPath.get(a.configPath) ?? []), a.name]);
    }
    for (const [p, names] of byPath) {
      out.push(`  if you mean it, add to ${p} in the stack file:`, '      acknowledge:', ...names.map((n) => `        - ${n}`));
    }
    out.push(`  (review: pgfleet diff --stack ${d.stack}; plan: pgfleet plan --stack ${d.stack})`);
  }
  return out.join('\n');
}
