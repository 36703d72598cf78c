/**
 * The values of bcgov/cas-postgres' `patroni` chart as a zod schema, written from the chart's
 * values.yaml and statefulset-patroni.yaml, so a misspelled key or a wrong type fails at synth
 * rather than at `helm install` (Helm accepts any values and ignores unknown keys silently).
 * Every key here is read by a template: test/integration/spilo-chart.test.ts renders the chart
 * with each one changed and checks that the output changes.
 *
 * `patroniChartValues` is the chart's own contract; `pgfleetPatroniValues` adds what pgfleet
 * insists on: no password in values, WAL-G on, and a complete clone.
 *
 * @see https://github.com/bcgov/cas-postgres/blob/main/helm/patroni/values.yaml
 */
import { z } from 'zod';
import { isCron5 } from '../../config/cron';
import { QUANTITY_PATTERN } from '../../config/quantity';
import { TargetTime } from '../../config/target-time';

const strict = <T extends z.ZodRawShape>(shape: T) => z.object(shape).strict().partial();
/** Chart values left empty in values.yaml are `null`; Helm treats null and absent alike. */
const optionalText = z.string().nullable();

const dcsToggle = strict({ enable: z.boolean() });

const resourceList = strict({ cpu: z.string().min(1), memory: z.string().min(1), 'ephemeral-storage': z.string().min(1) });

/** The chart's values; every key optional (the chart's values.yaml supplies the rest). */
export const patroniChartValues = strict({
  /** Replaces the chart name in `patroni.name` (the anti-affinity template's `app` label). */
  nameOverride: z.string().min(1),
  /** Replaces `patroni.fullname`: names of every object and Spilo's SCOPE. */
  fullnameOverride: z.string().min(1).max(63),
  replicaCount: z.number().int().min(0),
  image: strict({
    repository: z.string().min(1),
    tag: z.string().min(1),
    pullPolicy: z.enum(['IfNotPresent', 'Always', 'Never']),
  }),
  /** Passwords in the chart's Secret; `random` generates them at install. */
  credentials: strict({ random: z.boolean(), superuser: z.string(), admin: z.string(), standby: z.string() }),
  /**
   * Patroni's DCS: the Kubernetes API, in ConfigMaps or Endpoints. The chart's `etcd`, `zookeeper`
   * and `consul` blocks are not accepted: pgfleet keeps every scope in the Kubernetes DCS (the
   * state records configmaps or endpoints), and the chart would render those stores' variables
   * beside the Kubernetes ones (PATRONI_CONSUL_HOST reaches Patroni directly) and install their
   * subcharts with `deployChart`. values.yaml's `consul.hosts` and `postgresql.callbacks` are
   * read by no template at all.
   */
  kubernetes: strict({ dcs: dcsToggle, configmaps: dcsToggle }),
  /** Extra Spilo environment; the template upper-cases the names and quotes the values. */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'an environment variable name' }), z.string()),
  walE: strict({
    enable: z.boolean(),
    /** `BACKUP_SCHEDULE`, Spilo's in-pod cron. */
    scheduleCronJob: z.string().refine(isCron5, { message: 'a five-field cron expression' }),
    /** `BACKUP_NUM_TO_RETAIN`. */
    retainBackups: z.number().int().min(1),
    s3Bucket: optionalText,
    gcsBucket: optionalText,
    /** Folder in the bucket: `WALE_GS_PREFIX=gs://<gcsBucket>/<gcsBucketBackupLocation>`. */
    gcsBucketBackupLocation: z.string().min(1),
    /** Secret with `credentials.json`, mounted at /etc/credentials (also the volume's name). */
    kubernetesSecret: optionalText,
    backupThresholdMegabytes: z.number().int().min(0),
    backupThresholdPercentage: z.number().int().min(0),
  }),
  persistentVolume: strict({
    enabled: z.boolean(),
    size: z.string().regex(QUANTITY_PATTERN, { message: 'a Kubernetes quantity such as 1Gi' }),
    storageClass: z.string(),
    subPath: z.string(),
    mountPath: z.string().startsWith('/'),
    annotations: z.record(z.string(), z.string()),
    accessModes: z.array(z.enum(['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'])).min(1),
  }),
  resources: strict({ limits: resourceList, requests: resourceList }),
  nodeSelector: z.record(z.string(), z.string()),
  tolerations: z.array(
    strict({
      key: z.string(),
      operator: z.enum(['Exists', 'Equal']),
      value: z.string(),
      effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
      tolerationSeconds: z.number().int(),
    }),
  ),
  /** A Helm template string (`tpl`), used when `affinity` is empty. */
  affinityTemplate: z.string(),
  affinity: z.record(z.string(), z.unknown()),
  schedulerName: z.string().min(1),
  rbac: strict({ create: z.boolean() }),
  serviceAccount: strict({ create: z.boolean(), name: optionalText }),
});

/** Values as pgfleet writes them (the chart's input type). */
export type PatroniChartValues = z.input<typeof patroniChartValues>;

const CLONE_PREFIXES = [
  'CLONE_WALG_GS_PREFIX',
  'CLONE_WALE_GS_PREFIX',
  'CLONE_WALG_S3_PREFIX',
  'CLONE_WALE_S3_PREFIX',
  'CLONE_WALG_AZ_PREFIX',
];

/**
 * The chart's values plus pgfleet's rules. The clone rules matter most: Spilo only logs a warning
 * when `CLONE_METHOD=CLONE_WITH_WALE` lacks a prefix or scope and then runs initdb, so an
 * incomplete clone would come up as an empty database.
 */
export const pgfleetPatroniValues = patroniChartValues.superRefine((v, ctx) => {
  const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const scope = v.fullnameOverride;
  if (scope === undefined) problem(['fullnameOverride'], 'set: the scope, release and object names must all be the generation name');
  if (v.nameOverride !== scope)
    problem(['nameOverride'], "equal to fullnameOverride, so the anti-affinity template selects the scope's own pods");
  for (const k of ['superuser', 'admin', 'standby'] as const) {
    if (v.credentials?.[k] !== undefined)
      problem(['credentials', k], "absent: no password in values (they are written to dist/ and Helm's release history)");
  }
  if (v.credentials?.random !== true) problem(['credentials', 'random'], 'true: the chart must generate the passwords');

  const w = v.walE;
  if (w?.enable !== true) problem(['walE', 'enable'], 'true: restores and upgrades clone from WAL-G backups');
  if (!w?.gcsBucket) problem(['walE', 'gcsBucket'], 'a bucket');
  if (!w?.gcsBucketBackupLocation) problem(['walE', 'gcsBucketBackupLocation'], "the generation's own folder");
  if (!w?.kubernetesSecret) problem(['walE', 'kubernetesSecret'], 'the service-account key Secret');
  if (w?.s3Bucket) problem(['walE', 's3Bucket'], 'absent: the chart prefers S3 over GCS when both are set');

  const env = v.env ?? {};
  if (!/^\d{2}$/.test(env.PGVERSION ?? ''))
    problem(['env', 'PGVERSION'], "the major version, pinned: without it Spilo runs (and pg_upgrades to) the image's newest");
  const cloneKeys = Object.keys(env).filter((k) => k.startsWith('CLONE_'));
  if (env.CLONE_METHOD === undefined) {
    for (const k of cloneKeys) problem(['env', k], 'absent without CLONE_METHOD: Spilo ignores it');
    return;
  }
  if (env.CLONE_METHOD !== 'CLONE_WITH_WALE') problem(['env', 'CLONE_METHOD'], 'CLONE_WITH_WALE');
  if (!env.CLONE_SCOPE) problem(['env', 'CLONE_SCOPE'], 'the source scope: without it Spilo skips the clone and runs initdb');
  else if (env.CLONE_SCOPE === scope) problem(['env', 'CLONE_SCOPE'], "another scope than this release's own");
  const prefixes = CLONE_PREFIXES.filter((k) => env[k]);
  if (prefixes.length === 0)
    problem(['env', 'CLONE_WALG_GS_PREFIX'], "the source's WAL prefix: without it Spilo skips the clone and runs initdb");
  const own = w?.gcsBucket && w.gcsBucketBackupLocation ? `gs://${w.gcsBucket}/${w.gcsBucketBackupLocation}` : undefined;
  for (const k of prefixes) {
    if (own !== undefined && env[k].replace(/\/+$/, '') === own)
      problem(['env', k], `another prefix than this release's own archive (${own}): a clone must never write where it reads`);
  }
  if (env.CLONE_WALG_GS_PREFIX && env.CLONE_WALE_GS_PREFIX && env.CLONE_WALE_GS_PREFIX !== env.CLONE_WALG_GS_PREFIX)
    problem(['env', 'CLONE_WALE_GS_PREFIX'], `equal to CLONE_WALG_GS_PREFIX (${env.CLONE_WALG_GS_PREFIX}): one source archive`);
  if (env.CLONE_WALG_GS_PREFIX && !env.CLONE_GOOGLE_APPLICATION_CREDENTIALS)
    problem(['env', 'CLONE_GOOGLE_APPLICATION_CREDENTIALS'], 'the key file that can read the source prefix');
  if (env.CLONE_TARGET_TIME !== undefined && !TargetTime.parse(env.CLONE_TARGET_TIME)) {
    problem(['env', 'CLONE_TARGET_TIME'], 'a time with an explicit offset (Spilo refuses times without a zone)');
  }
});

/** Problems with values pgfleet is about to write, as `path: message` lines (empty when valid). */
export function patroniValuesProblems(values: PatroniChartValues): string[] {
  const r = pgfleetPatroniValues.safeParse(values, { jitless: true });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.') || '(values)'}: ${i.message}`);
}
