import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { BlackboxBackupSpec, StandaloneDatabaseSpec } from './standalone-schema';
import type { StackSpec } from '../../config/stack-spec';
import { objectStoreCredentials, type S3SecretRef } from '../../constructs/object-store-credentials';
import { blackboxDatabaseId, blackboxYaml, EnvRef, type BlackboxNotifier } from './blackbox-config';
import { appServiceName, POSTGRES_PORT, STEP_LABEL } from './standalone-names';
import { imagePullPolicy } from '../../constructs/image-pull-policy';
import { containerSecurityContext, NOBODY } from '../../constructs/pod-security';
import { clientLabels, jobResources, podSecurity } from './pod-defaults';
import { superuserSecret } from './superuser-secret';

export interface BlackboxBackupProps {
  readonly spec: StandaloneDatabaseSpec;
  readonly backup: BlackboxBackupSpec;
  readonly database: string;
  readonly namespace: string;
  readonly vault?: StackSpec['vault'];
}

const CONFIG_DIR = '/blackbox/config_file';

/**
 * The seed's nightly blackbox run: a ConfigMap `<database>-blackbox` with blackbox.yaml rendered
 * from the stack (database, S3 targets, notifiers, retention) and a CronJob running the image
 * with that file. blackbox dumps through the application Service, so it follows the cutover;
 * the stack refuses a blackbox image whose pg_dumpall is older than the serving server.
 * Proven with the pinned blackbox 3.0.2 in test/integration/standalone-blackbox.test.ts.
 *
 * @see https://github.com/lemonsaurus/blackbox
 */
export class BlackboxBackup extends Construct {
  public readonly cronJob: k8s.KubeCronJob;
  /** The keys of each storage target, by its id (a restore downloads with them). */
  public readonly credentials: ReadonlyMap<string, S3SecretRef>;

  constructor(scope: Construct, id: string, props: BlackboxBackupProps) {
    super(scope, id);
    const { spec, backup, database, namespace } = props;
    const name = `${database}-blackbox`;
    const env: k8s.EnvVar[] = [];
    const fromSecret = (variable: string, secret: string, key: string) => {
      env.push({ name: variable, valueFrom: { secretKeyRef: { name: secret, key } } });
      return new EnvRef(variable);
    };

    const su = superuserSecret(spec, database);
    const pgUser = fromSecret('PGFLEET_PG_USER', su.name, su.userKey);
    const pgPassword = fromSecret('PGFLEET_PG_PASSWORD', su.name, su.passwordKey);
    const credentials = new Map<string, S3SecretRef>();
    this.credentials = credentials;
    const storage = backup.storage.map((s) => {
      const creds = objectStoreCredentials(this, `Credentials-${s.id}`, {
        credentials: s.credentials,
        name: `${name}-${s.id.replace(/_/g, '-')}`,
        namespace,
        vault: props.vault,
      });
      credentials.set(s.id, creds);
      const v = s.id.toUpperCase();
      return {
        id: s.id,
        bucket: s.bucket,
        endpoint: s.endpoint,
        accessKeyId: fromSecret(`PGFLEET_S3_${v}_ACCESS_KEY_ID`, creds.secretName, creds.accessKeyIdKey),
        secretAccessKey: fromSecret(`PGFLEET_S3_${v}_SECRET_ACCESS_KEY`, creds.secretName, creds.secretAccessKeyKey),
      };
    });
    const notifiers: BlackboxNotifier[] = backup.notifiers.map((n) =>
      n.type === 'telegram'
        ? {
            type: 'telegram',
            id: n.id,
            token: fromSecret(`PGFLEET_NOTIFY_${n.id.toUpperCase()}_TOKEN`, n.token.name, n.token.key),
            chatId: n.chatId,
          }
        : { type: n.type, id: n.id, webhook: fromSecret(`PGFLEET_NOTIFY_${n.id.toUpperCase()}_WEBHOOK`, n.webhook.name, n.webhook.key) },
    );

    const config = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name, namespace },
      data: {
        'blackbox.yaml': blackboxYaml({
          postgres: {
            id: blackboxDatabaseId(database),
            username: pgUser,
            password: pgPassword,
            host: `${appServiceName(database)}.${namespace}.svc`,
            port: POSTGRES_PORT,
          },
          storage,
          notifiers,
          retentionDays: backup.retentionDays,
        }),
      },
    });

    this.cronJob = new k8s.KubeCronJob(this, 'Resource', {
      metadata: { name, namespace, labels: { [STEP_LABEL]: 'backup' } },
      spec: {
        schedule: backup.schedule,
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 3,
            template: {
              metadata: { labels: clientLabels(database, 'backup') },
              spec: {
                // The image runs as root by default; it needs no privilege, only a writable HOME (/tmp).
                ...podSecurity(NOBODY),
                restartPolicy: 'OnFailure',
                containers: [
                  {
                    name: 'blackbox',
                    image: backup.image,
                    // The default `:main` is a branch: pulled at every run, so every node runs the current build.
                    imagePullPolicy: imagePullPolicy(backup.image),
                    env: [
                      { name: 'BLACKBOX_CONFIG_PATH', value: `${CONFIG_DIR}/blackbox.yaml` },
                      { name: 'HOME', value: '/tmp' },
                      // Read by botocore 1.36+ only (older ones send no such checksums): see backup.s3Checksums.
                      { name: 'AWS_REQUEST_CHECKSUM_CALCULATION', value: backup.s3Checksums },
                      { name: 'AWS_RESPONSE_CHECKSUM_VALIDATION', value: backup.s3Checksums },
                      ...env,
                    ],
                    resources: jobResources,
                    securityContext: containerSecurityContext(),
                    volumeMounts: [
                      { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                      { name: 'tmp', mountPath: '/tmp' },
                    ],
                  },
                ],
                volumes: [
                  { name: 'config', configMap: { name: config.name } },
                  { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString(backup.scratchSize) } },
                ],
              },
            },
          },
        },
      },
    });
  }
}
