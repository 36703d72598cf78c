/**
 * The one place state data becomes text: plans, diffs, change-rule placeholders and messages
 * all describe bootstraps, recovery targets and archive locations with these functions.
 */
import type { ArchiveLocation, BootstrapState, RecoveryTargetState } from './stack-state';

/** `latest`, `time 2026-11-20T08:00:00+01:00`, `lsn 0/3000060`, `name before-migration`, `backupFile x.sql.gz`. */
export function describeTarget(t: RecoveryTargetState): string {
  switch (t.kind) {
    case 'latest':
      return 'latest';
    case 'time':
      return `time ${t.time}`;
    case 'lsn':
      return `lsn ${t.lsn}`;
    case 'name':
      return `name ${t.name}`;
    case 'backupFile':
      return `backupFile ${t.file}`;
  }
}

/** `initdb`, `restore from forgejo-db (time 2026-11-20T08:00:00+01:00)`, `upgrade from postgres`. */
export function describeBootstrap(b: BootstrapState): string {
  if (b.kind === 'initdb') return 'initdb';
  if (b.kind === 'restore') return `restore from ${b.source} (${describeTarget(b.target)})`;
  if (b.kind === 'migrate') return `migrate from ${b.source} (${b.method === 'import' ? "the operator's import" : 'dump and restore'})`;
  return `upgrade from ${b.source}`;
}

/** `s3://bucket/prefix/forgejo-db-pg18/`, or `repo1=pvc://ns/claim/ repo2=s3://…` for several repositories. */
export function describeArchives(archives: readonly ArchiveLocation[]): string {
  return archives.map((a) => (a.repo !== undefined ? `${a.repo}=${a.url}` : a.url)).join(' ');
}
