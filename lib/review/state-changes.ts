/**
 * Changes no single manifest field shows, read from the state of each live generation before and
 * after: its archive moving or a copy of it dropped (a bucket prefix, a repository), and a volume
 * it no longer has (an instance set or repository removed, whose claim the operator deletes).
 * Both lose data or the ability to restore, so they are `destroys-data` and gated like any other.
 */
import type { ArchiveLocation, GenerationState } from '../config/stack-state';
import type { Change } from './classify';
import { generationRecord, stateChange } from './generation-record';
import type { DatabaseDiff, ObjectDiff } from './diff-types';
import { recoveryChanges } from './recovery-changes';

const key = (a: ArchiveLocation) => a.repo ?? a.kind;

function archiveChanges(gen: string, before: GenerationState, after: GenerationState): Change[] {
  // A major upgrade moves the archive on purpose (a new timeline 1 must not write over the old
  // one); the upgrade itself is gated as irreversible.
  if (after.postgresVersion !== before.postgresVersion) return [];
  const out: Change[] = [];
  for (const was of before.archives) {
    const now = after.archives.find((a) => key(a) === key(was));
    if (!now) {
      out.push(
        stateChange(
          `archives[${key(was)}]`,
          was.url,
          undefined,
          `${gen} stops writing its backups to ${was.url}: no new backups or WAL land there, and whatever retention applied to it no longer runs; a restore can only reach what is already there`,
        ),
      );
    } else if (now.url !== was.url) {
      out.push(
        stateChange(
          `archives[${key(was)}]`,
          was.url,
          now.url,
          `${gen} moves its archive from ${was.url} to ${now.url}: the new location starts without a base backup, and a restore to any time before this change must read the old one (keep it; pgfleet does not copy it)`,
        ),
      );
    }
  }
  return out;
}

function volumeChanges(gen: string, before: GenerationState, after: GenerationState): Change[] {
  return Object.entries(before.volumes ?? {})
    .filter(([name]) => after.volumes?.[name] === undefined)
    .map(([name, size]) =>
      stateChange(
        `volumes.${name}`,
        size,
        undefined,
        `${gen}'s ${name} volume (${size}) is no longer in the stack: the operator deletes its claim, and the data on it`,
      ),
    );
}

/** A pseudo-object per live generation whose state shows such a change, for the diff and the gate. */
export function stateChanges(databases: readonly DatabaseDiff[]): ObjectDiff[] {
  const out: ObjectDiff[] = [];
  for (const d of databases) {
    for (const g of d.generations) {
      if (g.status !== 'kept' || !g.before || !g.after) continue;
      const changes = [
        ...archiveChanges(g.name, g.before, g.after),
        ...volumeChanges(g.name, g.before, g.after),
        ...recoveryChanges(g.name, g.before, g.after),
      ];
      if (!changes.length) continue;
      out.push(generationRecord(d, g.name, changes));
    }
  }
  return out;
}

export { GENERATION_KIND, isGenerationRecord } from './generation-record';
