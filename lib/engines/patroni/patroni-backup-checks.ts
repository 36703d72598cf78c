/**
 * Cross-field rules of a Patroni database's backups that depend on the backup-container release
 * (what its `backup.sh` supports) and on how `backup.sh` finds a database's dumps (by a substring
 * of their paths).
 */
import { issue } from '../../config/schema-parts';

/** The refinement context the schema's checks report into. */
type Ctx = Parameters<typeof issue>[0];
import {
  firstReleaseDumping,
  firstReleaseWith,
  OLDEST_RELEASE,
  releaseOf,
  versionOfImage,
  type BackupContainerRelease,
} from './backup-container-releases';
import { patroniNames } from './patroni-names';

interface BackupFields {
  readonly image: string;
  readonly imageVersion?: string;
  readonly s3?: { readonly prune: boolean };
}

const IMAGE_EXAMPLE = 'docker.io/bcgovimages/backup-container:2.13.0';

/** The release `backup` runs, with an issue when it cannot be known or is not supported. */
export function backupRelease(backup: BackupFields, ctx: Ctx): BackupContainerRelease | undefined {
  const version = backup.imageVersion ?? versionOfImage(backup.image);
  const lastSegment = backup.image.slice(backup.image.lastIndexOf('/') + 1);
  // An image without a tag or digest has an issue of its own.
  if (version === undefined && !lastSegment.includes(':') && !backup.image.includes('@')) return undefined;
  if (version === undefined) {
    issue(
      ctx,
      'a backup-container image whose tag is its release (e.g. :2.13.0), or backup.imageVersion naming the release of this image: pgfleet renders for what that release supports',
      `set backup.imageVersion: "<release>", e.g. "2.13.0", or use a tag such as ${IMAGE_EXAMPLE}`,
      ['backup', 'image'],
    );
    return undefined;
  }
  const release = releaseOf(version);
  const path = backup.imageVersion !== undefined ? ['backup', 'imageVersion'] : ['backup', 'image'];
  if (!release) {
    issue(ctx, `backup-container ${OLDEST_RELEASE} or later (found ${version})`, `use ${IMAGE_EXAMPLE}`, path);
    return undefined;
  }
  if (release.dumpLayout === 'tar') {
    issue(
      ctx,
      `a backup-container release other than 2.7.0–2.8.1 (found ${version}): those write a tar archive under the .sql.gz name, which neither their own restore of a plain dump nor pgfleet's checks read`,
      `use ${IMAGE_EXAMPLE} (or 2.9.0 or later)`,
      path,
    );
    return undefined;
  }
  return release;
}

/** Refuses what `release` cannot do: S3 copies, S3 pruning, dumping a newer PostgreSQL major. */
export function checkBackupRelease(
  backup: BackupFields,
  release: BackupContainerRelease,
  version: string,
  majors: readonly number[],
  ctx: Ctx,
): void {
  if (backup.s3 && !release.s3) {
    const first = firstReleaseWith((r) => r.s3);
    issue(
      ctx,
      `backup.s3 with backup-container ${first} or later: S3 upload (mc) arrived in ${first}; ${version} ignores the S3_* variables and uploads nothing`,
      `set backup.image to ${IMAGE_EXAMPLE} (or ${first} or later), or remove backup.s3`,
      ['backup', 's3'],
    );
  } else if (backup.s3?.prune && !release.s3Prune) {
    const first = firstReleaseWith((r) => r.s3Prune);
    issue(
      ctx,
      `s3.prune with backup-container ${first} or later: S3_PRUNE_BACKUPS arrived in ${first}; ${version} leaves every S3 copy in place`,
      `set backup.image to ${IMAGE_EXAMPLE}, or remove s3.prune (and expire old copies with a bucket lifecycle rule)`,
      ['backup', 's3', 'prune'],
    );
  }
  const newest = Math.max(...majors);
  if (newest > release.pgDumpMajor) {
    const first = firstReleaseDumping(newest);
    issue(
      ctx,
      `a backup-container whose pg_dump (${version}: PostgreSQL ${release.pgDumpMajor}) is at least every generation's major (${newest}): pg_dump refuses to dump a newer server, so every backup would fail`,
      first
        ? `set backup.image to a release from ${first} on, e.g. ${IMAGE_EXAMPLE} (pg_dump 18)`
        : 'use a backup-container built on a newer PostgreSQL',
      backup.imageVersion !== undefined ? ['backup', 'imageVersion'] : ['backup', 'image'],
    );
  }
}

/**
 * backup.sh finds (and prunes) a database's dumps by `grep <host>-<db>` over their paths, so the
 * dumps of `hcap_audit` (`…-hcap_audit_<stamp>`) count as `hcap`'s: pruning `hcap` deletes them.
 */
export function checkDumpPrefixes(generations: readonly string[], dbs: readonly string[], ctx: Ctx): void {
  for (const gen of generations) {
    dbs.forEach((d, i) => {
      const other = dbs.find((o) => o !== d && patroniNames.dumpPrefix(gen, o).includes(patroniNames.dumpPrefix(gen, d)));
      if (other === undefined) return;
      issue(
        ctx,
        `database names none of whose dump prefixes contains another's: backup.sh finds ${d}'s dumps by "${patroniNames.dumpPrefix(gen, d)}" in their paths, which also matches ${other}'s (${patroniNames.dumpPrefix(gen, other)}_…), so pruning ${d} deletes ${other}'s dumps`,
        `rename one of the databases in backup.databases (e.g. audit instead of ${other}), or back it up from another database entry`,
        ['backup', 'databases', i],
      );
    });
  }
}
