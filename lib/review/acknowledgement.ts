/**
 * The gate of `pgfleet diff`: every `destroys-data` or `irreversible` change must be acknowledged
 * in the stack by name, in the database's `acknowledge` list, as `<class>:<subject>` where the
 * subject is the generation the object belongs to (else the database, else the object's name):
 * `irreversible:forgejo-db`, `destroys-data:forgejo-db`.
 *
 * Retiring a generation by name (`retired: [x]`) is itself the acknowledgement of deleting x's
 * objects, as the design requires, except when x was the serving generation until this change:
 * switching consumers away and deleting the data in one step leaves no way back, so that needs
 * `destroys-data:x` as well — unless the database was already being decommissioned (its
 * consumers gone, Pulumi's protection lifted in an earlier change).
 */
import type { RenderedStack } from '../outputs/render-stack';
import { GATED_CLASSES } from '../engines/change-rule';
import type { Acknowledgement, DatabaseDiff, Gate, ObjectDiff } from './diff-types';

/** Adds the acknowledgements to every gated change and computes the gate. */
export function gateOf(
  objects: readonly ObjectDiff[],
  databases: readonly DatabaseDiff[],
  next: RenderedStack,
): { gate: Gate; objects: ObjectDiff[] } {
  const required = new Map<string, Acknowledgement>();
  const listed = new Map([...next.resolved.databases, ...next.resolved.decommissioned].map((d) => [d.name, d.spec.acknowledge]));
  const withAcks = objects.map((o) => {
    const db = databases.find((d) => d.name === o.database);
    const subject = o.generation ?? o.database ?? o.name;
    const retiredNow = o.generation !== undefined && db?.generations.find((g) => g.name === o.generation)?.status === 'retired';
    return {
      ...o,
      changes: o.changes.map((c) => {
        const classes = [...new Set(c.reasons.map((r) => r.class))].filter((k) => GATED_CLASSES.includes(k));
        const acknowledgements = classes.map((k): Acknowledgement => {
          const name = `${k}:${subject}`;
          const byList = o.database !== undefined && (listed.get(o.database) ?? []).includes(name);
          const byRetire = k === 'destroys-data' && retiredNow && (db?.serving.before !== o.generation || db.decommission.before);
          const ack: Acknowledgement = {
            name,
            class: k,
            database: o.database,
            acknowledged: byList || byRetire,
            ...(byList ? { by: 'acknowledge' as const } : byRetire ? { by: 'retired' as const } : {}),
            configPath: db ? `${db.path}.acknowledge` : 'pgfleet:databases[].acknowledge',
          };
          const seen = required.get(name);
          // One name, several changes: acknowledged only if every one of them is.
          if (!seen || (seen.acknowledged && !ack.acknowledged)) required.set(name, ack);
          return ack;
        });
        return { ...c, acknowledgements };
      }),
    };
  });
  const needed = new Set(required.keys());
  const unused = databases.flatMap((d) =>
    (listed.get(d.name) ?? [])
      .filter((n) => !needed.has(n))
      .map((name) => ({ database: d.name, name, configPath: `${d.path}.acknowledge` })),
  );
  const all = [...required.values()];
  const missing = all.filter((a) => !a.acknowledged);
  return { gate: { ok: missing.length === 0, required: all, missing, unused }, objects: withAcks };
}
