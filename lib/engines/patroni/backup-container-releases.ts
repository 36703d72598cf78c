/**
 * What each BCDevOps/bcgov backup-container release can do, as far as pgfleet's Jobs depend on
 * it: read from the sources at every release tag (docker/backup.sh, backup.postgres.plugin,
 * backup.s3, backup.file.utils, Dockerfile), and run for real at 2.3.3 and 2.13.0 by the
 * conformance tests. The stack's `backup.image` tag (or `backup.imageVersion`) picks the row, so
 * rendering never relies on a flag or feature the pinned image lacks.
 *
 * @see https://github.com/bcgov/backup-container/releases
 */

/** How a release writes a PostgreSQL dump (`<file>.sql.gz`). */
export type DumpLayout =
  /** gzip'd `pg_dump -Fp` only: no role definitions (pgfleet's backup Job appends them). */
  | 'data'
  /** A tar archive of backup.sql + roles.sql under the `.sql.gz` name: not plain SQL. */
  | 'tar'
  /** gzip'd roles block, then the data. */
  | 'roles-first'
  /** gzip'd data, then the roles block (without the dumping user's and postgres' CREATE ROLE). */
  | 'roles-last';

export interface BackupContainerRelease {
  /** The first release of this row. */
  readonly from: string;
  /** The major of the image's pg_dump (its base image): it refuses to dump a newer server. */
  readonly pgDumpMajor: number;
  readonly dumpLayout: DumpLayout;
  /** `S3_ENDPOINT`/`S3_BUCKET`/`S3_USER`/`S3_PASSWORD`: each dump copied with `mc`. */
  readonly s3: boolean;
  /** `S3_PRUNE_BACKUPS`: the S3 copies of pruned dumps are removed too. */
  readonly s3Prune: boolean;
  /** `-I`: a restore goes on past SQL errors (pgfleet never passes it). */
  readonly ignoreErrorsFlag: boolean;
}

/** Rows in release order; a version takes the last row whose `from` it reaches. */
const RELEASES: readonly BackupContainerRelease[] = [
  { from: '2.3.3', pgDumpMajor: 12, dumpLayout: 'data', s3: false, s3Prune: false, ignoreErrorsFlag: false },
  { from: '2.5.0', pgDumpMajor: 13, dumpLayout: 'data', s3: false, s3Prune: false, ignoreErrorsFlag: false },
  { from: '2.6.0', pgDumpMajor: 14, dumpLayout: 'data', s3: false, s3Prune: false, ignoreErrorsFlag: false },
  { from: '2.7.0', pgDumpMajor: 14, dumpLayout: 'tar', s3: true, s3Prune: false, ignoreErrorsFlag: true },
  { from: '2.9.0', pgDumpMajor: 15, dumpLayout: 'roles-first', s3: true, s3Prune: false, ignoreErrorsFlag: true },
  { from: '2.10.0', pgDumpMajor: 16, dumpLayout: 'roles-last', s3: true, s3Prune: false, ignoreErrorsFlag: true },
  { from: '2.12.0', pgDumpMajor: 18, dumpLayout: 'roles-last', s3: true, s3Prune: false, ignoreErrorsFlag: true },
  { from: '2.13.0', pgDumpMajor: 18, dumpLayout: 'roles-last', s3: true, s3Prune: true, ignoreErrorsFlag: true },
];

/** The oldest release pgfleet renders for (hcap's). */
export const OLDEST_RELEASE = RELEASES[0].from;

const parts = (v: string) => v.split('.').map(Number);
/** Semantic-version order of `a` and `b` (negative when a is older). */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** `2.13.0` from `docker.io/bcgovimages/backup-container:2.13.0` (also `v2.13.0`, `2.13.0-x`); undefined for a digest or another tag. */
export function versionOfImage(image: string): string | undefined {
  const last = image.slice(image.lastIndexOf('/') + 1).split('@')[0];
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : '';
  return /^v?(\d+\.\d+\.\d+)(?:[-+.].*)?$/.exec(tag)?.[1];
}

/** What `version` supports; undefined before {@link OLDEST_RELEASE}. */
export function releaseOf(version: string): BackupContainerRelease | undefined {
  if (compareVersions(version, OLDEST_RELEASE) < 0) return undefined;
  return [...RELEASES].reverse().find((r) => compareVersions(version, r.from) >= 0);
}

/** The first release with a feature, for messages ("arrived in 2.7.0"). */
export function firstReleaseWith(feature: (r: BackupContainerRelease) => boolean): string {
  return RELEASES.find(feature)!.from;
}

/** The first release whose pg_dump can dump `major`. */
export function firstReleaseDumping(major: number): string | undefined {
  return RELEASES.find((r) => r.pgDumpMajor >= major && r.dumpLayout !== 'tar')?.from;
}
