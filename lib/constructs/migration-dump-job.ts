import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { ResolvedMigration } from '../model/migration';
import { pgDumpOptions } from '../model/migration';
import { imagePullPolicy } from './image-pull-policy';
import { MIGRATION_DUMP_SCRIPT } from './migration-dump-script';
import { containerSecurityContext, type ImageUser, podSecurityContext } from './pod-security';

export interface MigrationDumpJobProps {
  /** Job name, e.g. `<generation>-migrate`. */
  readonly name: string;
  readonly namespace: string;
  readonly migration: ResolvedMigration;
  /** An image of the new generation's major, with psql, pg_dump and pg_restore. */
  readonly image: string;
  /** The user the image runs PostgreSQL's tools as. */
  readonly user: ImageUser;
  /** Pod labels: what the new server's and the source's policies admit. */
  readonly labels: Record<string, string>;
  /** libpq variables of the new server's superuser (PGHOST, PGPORT, PGUSER, PGPASSWORD from its Secret). */
  readonly target: readonly k8s.EnvVar[];
  /** @default 86400 (a day) */
  readonly activeDeadlineSeconds?: number;
}

/**
 * The dump/restore Job of an engine migration into an engine without a logical import of its own
 * (`migrateFrom.method: dump`): MIGRATION_DUMP_SCRIPT in the new generation's image, reading the
 * source as its engine's superuser (password from that engine's Secret) and writing the new
 * server as its superuser. Runs once (`backoffLimit: 0`): a failed copy leaves a half-filled
 * server to look at, and the script refuses to copy into a server that already holds data.
 */
export class MigrationDumpJob extends Construct {
  public readonly job: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: MigrationDumpJobProps) {
    super(scope, id);
    const m = props.migration;
    const e = m.endpoint;
    const env: k8s.EnvVar[] = [
      { name: 'HOME', value: '/tmp' },
      { name: 'SOURCE_HOST', value: e.host },
      { name: 'SOURCE_PORT', value: String(e.port) },
      { name: 'SOURCE_USER', value: e.user },
      { name: 'SOURCE_PASSWORD', valueFrom: { secretKeyRef: { name: e.password.name, key: e.password.key } } },
      { name: 'SOURCE_SSLMODE', value: e.sslMode },
      ...props.target,
      { name: 'DATABASES', value: m.databases.join(' ') },
      { name: 'ROLES', value: (m.roles.length ? m.roles : ['*']).join(' ') },
      { name: 'DUMP_OPTIONS', value: pgDumpOptions(m).join(' ') },
    ];
    this.job = new k8s.KubeJob(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { 'pgfleet.io/step': 'migrate' },
        annotations: { 'pgfleet.io/migrate-from': m.source },
      },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: props.activeDeadlineSeconds ?? 86400,
        template: {
          metadata: { labels: props.labels },
          spec: {
            securityContext: podSecurityContext({ user: props.user }),
            enableServiceLinks: false,
            automountServiceAccountToken: false,
            restartPolicy: 'Never',
            containers: [
              {
                name: 'migrate',
                image: props.image,
                imagePullPolicy: imagePullPolicy(props.image),
                command: ['bash', '-c'],
                args: [MIGRATION_DUMP_SCRIPT],
                env,
                resources: { requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') } },
                securityContext: containerSecurityContext(),
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } }],
          },
        },
      },
    });
  }
}
