/** What a Crunchy PGO restore drill (`drill`, crunchy-drill.ts) cannot use, as config issues. */
import type { ConfigIssue } from '../../config/config-error';
import type { ResolvedDatabase } from '../../model/resolved';
import type { CrunchyDatabaseSpec, CrunchyRepoSpec } from './crunchy-schema';

/** The repository a drill restores from: the first one in object storage. */
export const drillRepo = (spec: CrunchyDatabaseSpec): CrunchyRepoSpec | undefined => spec.backups.repos.find((r) => !r.volume);

export function crunchyDrillIssues(db: ResolvedDatabase<CrunchyDatabaseSpec>): ConfigIssue[] {
  const drill = db.spec.drill;
  if (!drill) return [];
  const path = `${db.path}.drill`;
  const repo = drillRepo(db.spec);
  const issues: ConfigIssue[] = [];
  if (!repo) {
    issues.push({
      path,
      value: db.spec.backups.repos.map((r) => r.name).join(', '),
      allowed:
        "a repository in object storage (s3, gcs or azure) to restore from: a volume repository is a ReadWriteOnce claim of PGO's repo host, which a drill pod cannot mount beside it",
      fix: 'add an s3, gcs or azure repository (e.g. repo2) with its own schedules, or remove drill',
    });
    return issues;
  }
  const c = drill.credentials;
  if (c && (repo.gcs ? !('keyFileSecret' in c) : 'keyFileSecret' in c)) {
    issues.push({
      path: `${path}.credentials`,
      value: Object.keys(c)[0],
      allowed: repo.gcs
        ? `keyFileSecret: ${repo.name} is a GCS bucket, read with a service-account key file`
        : `S3-style keys (vault or existingSecret) for ${repo.name}`,
      fix: repo.gcs
        ? 'give drill.credentials.keyFileSecret {name, key} of a key that may only read the bucket'
        : 'give drill.credentials.existingSecret (or vault) with keys that may only read the bucket',
    });
  }
  const unpinned = db.generations.filter((g) => !(g.index >= 0 && db.spec.generations?.[g.index]?.image));
  if (drill.image === undefined && unpinned.length) {
    issues.push({
      path: `${path}.image`,
      value: undefined,
      allowed: `the PGO PostgreSQL image the drill restores with (pgBackRest and PostgreSQL ${unpinned[0].postgresVersion}): ${unpinned.map((g) => g.name).join(', ')} pin no image, and PGO's default comes from its RELATED_IMAGE_POSTGRES_<major>`,
      fix: "set drill.image to the crunchy-postgres image of your PGO release for that major (the operator Deployment's RELATED_IMAGE_POSTGRES_<major>)",
    });
  }
  return issues;
}
