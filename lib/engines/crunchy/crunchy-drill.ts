/**
 * The restore drill of a Crunchy PGO database (`drill`): per live generation, a CronJob that
 * restores the newest backup set of the first object-storage repository with `pgbackrest
 * restore`, replays WAL with `archive-get` onto a scratch claim, runs the check and records the
 * outcome (lib/constructs/restore-drill.ts). pgBackRest reads the repository with
 * `drill.credentials` (keys that may only read the bucket) or else with the repository's own,
 * from the conf.d Secret PGO's pods use.
 *
 * @see https://pgbackrest.org/command.html#command-restore
 */
import { Construct } from 'constructs';
import type * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { StackSpec } from '../../config/stack-spec';
import { drillKeyFile, drillS3Keys } from '../../constructs/drill-credentials';
import { drillEveryGeneration } from '../../constructs/restore-drill';
import type { ResolvedDatabase } from '../../model/resolved';
import { drillRepo } from './crunchy-drill-issues';
import { CRUNCHY_DRILL_SCRIPT } from './crunchy-drill-script';
import { generationSpecOf, repoPath } from './crunchy-model';
import type { CrunchyDatabaseSpec } from './crunchy-schema';

export interface CrunchyDrillProps {
  readonly database: ResolvedDatabase<CrunchyDatabaseSpec>;
  readonly stack: StackSpec;
  /** The Secret of pgBackRest options with the repositories' keys (`<database>-pgbackrest-secrets`). */
  readonly repoCredentialsSecret?: string;
}

export class CrunchyDrill extends Construct {
  constructor(scope: Construct, id: string, props: CrunchyDrillProps) {
    super(scope, id);
    const db = props.database;
    const { spec, namespace } = db;
    const drill = spec.drill!;
    const repo = drillRepo(spec)!;
    const n = repo.name.slice(4);
    const opt = (name: string) => `PGBACKREST_REPO${n}_${name}`;
    const c = drill.credentials;

    // Where the keys come from: the drill's own read-only ones, else the repositories' conf.d Secret.
    const keyEnv: k8s.EnvVar[] = [];
    const volumes: k8s.Volume[] = [];
    const mounts: k8s.VolumeMount[] = [];
    const ref = drillS3Keys(this, db, props.stack.vault);
    if (c && 'keyFileSecret' in c) {
      const key = drillKeyFile(c.keyFileSecret);
      volumes.push(key.volume);
      mounts.push(key.mount);
      keyEnv.push({ name: opt('GCS_KEY'), value: key.path });
    } else if (ref) {
      const [id, secret] = repo.azure ? ['AZURE_ACCOUNT', 'AZURE_KEY'] : ['S3_KEY', 'S3_KEY_SECRET'];
      keyEnv.push(
        { name: opt(id), valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.accessKeyIdKey } } },
        { name: opt(secret), valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.secretAccessKeyKey } } },
      );
    } else if (props.repoCredentialsSecret) {
      volumes.push({ name: 'pgbackrest-conf', secret: { secretName: props.repoCredentialsSecret } });
      mounts.push({ name: 'pgbackrest-conf', mountPath: '/etc/pgbackrest/conf.d', readOnly: true });
      keyEnv.push({ name: 'PGBACKREST_CONFIG_INCLUDE_PATH', value: '/etc/pgbackrest/conf.d' });
    }
    const location = repo.s3
      ? [
          { name: opt('TYPE'), value: 's3' },
          { name: opt('S3_BUCKET'), value: repo.s3.bucket },
          { name: opt('S3_ENDPOINT'), value: repo.s3.endpoint },
          { name: opt('S3_REGION'), value: repo.s3.region },
        ]
      : repo.gcs
        ? [
            { name: opt('TYPE'), value: 'gcs' },
            { name: opt('GCS_BUCKET'), value: repo.gcs.bucket },
          ]
        : [
            { name: opt('TYPE'), value: 'azure' },
            { name: opt('AZURE_CONTAINER'), value: repo.azure!.container },
          ];
    // The repository's other pgBackRest options (URI style, TLS, cipher type) apply to reading it too.
    const extra = Object.entries(spec.backups.global)
      .filter(([k]) => k.startsWith(`${repo.name}-`))
      .map(([k, v]) => ({
        name: opt(
          k
            .slice(repo.name.length + 1)
            .replace(/-/g, '_')
            .toUpperCase(),
        ),
        value: v,
      }));

    drillEveryGeneration(this, db, (gen) => ({
      database: spec.users[0].databases[0] ?? 'postgres',
      user: { uid: 26, gid: 26 },
      volumes,
      restore: {
        name: 'restore',
        image: drill.image ?? generationSpecOf(db, gen)!.image!,
        shell: 'bash',
        script: CRUNCHY_DRILL_SCRIPT,
        env: [
          { name: 'PGBACKREST_STANZA', value: 'db' },
          { name: 'PGBACKREST_REPO', value: n },
          ...location,
          { name: opt('PATH'), value: repoPath(namespace, gen.name, repo)! },
          ...extra,
          ...keyEnv,
        ],
        mounts,
      },
    }));
  }
}
