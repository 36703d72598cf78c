/**
 * Standalone engine: the nightly backups of the seed's server (pydis-prod): blackbox and pgfleet's
 * dump CronJob.
 */
import { BLACKBOX_FETCH_SCRIPT, DUMP_SCRIPT, IMPORT_SCRIPT, UPLOAD_SCRIPT } from '../../lib/engines/standalone/dump-scripts';
import { diffRendered } from '../../lib/review/stack-diff';
import { all, find, render } from '../helpers';
import { summary } from '../review/review-scenarios';
import { dumpToPvc, dumpToS3, LIVE, pydis, restoringBlackbox } from './standalone-stack';

const envOf = (container: any) => Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('standalone engine: blackbox with Vault credentials', () => {
  test('short-lived S3 keys from Vault reach blackbox through External Secrets, by reference only', () => {
    const prod = pydis('prod');
    const backup = (prod['pgfleet:databases'] as any[])[0].backup;
    const r = render({
      ...prod,
      'pgfleet:vault': { server: 'https://vault.example.org:8200' },
      'pgfleet:databases': [
        {
          ...(prod['pgfleet:databases'] as any[])[0],
          backup: {
            ...backup,
            storage: [
              {
                id: 'frankfurt_s3',
                bucket: 'blackbox',
                endpoint: 'eu-central-1.linodeobjects.com',
                credentials: { vault: { path: '/aws/creds/blackbox', role: 'blackbox' } },
              },
            ],
          },
        },
      ],
    });
    expect(find(r, 'VaultDynamicSecret', 'postgres-blackbox-frankfurt-s3').spec.path).toBe('/aws/creds/blackbox');
    expect(find(r, 'ExternalSecret', 'postgres-blackbox-frankfurt-s3').spec.target.name).toBe('postgres-blackbox-frankfurt-s3');
    const env = find(r, 'CronJob', 'postgres-blackbox').spec.jobTemplate.spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'PGFLEET_S3_FRANKFURT_S3_SECRET_ACCESS_KEY').valueFrom).toEqual({
      secretKeyRef: { name: 'postgres-blackbox-frankfurt-s3', key: 'secret_key' },
    });
  });
});

describe('standalone engine: image pull policy', () => {
  test("blackbox's default :main is pulled Always; a pinned image IfNotPresent", () => {
    const policy = (r: ReturnType<typeof render>) =>
      find(r, 'CronJob', 'postgres-blackbox').spec.jobTemplate.spec.template.spec.containers[0].imagePullPolicy;
    expect(policy(render(pydis('prod')))).toBe('Always');
    const backup = (pydis('prod')['pgfleet:databases'] as any[])[0].backup;
    expect(
      policy(
        render(
          pydis('prod', { backup: { ...backup, image: `docker.io/lemonsaurus/blackbox:main@sha256:${'b'.repeat(64)}`, clientMajor: 16 } }),
        ),
      ),
    ).toBe('IfNotPresent');
  });

  test('the dump and upload containers follow their tags', () => {
    const pod = find(render(pydis('prod', { backup: dumpToS3 })), 'CronJob', 'postgres-backup').spec.jobTemplate.spec.template.spec;
    expect([...pod.initContainers, ...pod.containers].map((c: any) => [c.name, c.imagePullPolicy])).toEqual([
      ['dump', 'IfNotPresent'],
      ['upload', 'IfNotPresent'],
    ]);
    const moving = find(
      render(pydis('prod', { backup: { ...dumpToPvc, image: 'ghcr.io/example/pgtools:latest', clientMajor: 17 } })),
      'CronJob',
      'postgres-backup',
    );
    expect(moving.spec.jobTemplate.spec.template.spec.containers[0].imagePullPolicy).toBe('Always');
  });
});

describe('standalone engine: dump backups', () => {
  test("to a PVC: the generation's CronJob into its own folder on its own data-bearing PVC", () => {
    const r = render(pydis('prod', { backup: { ...dumpToPvc, schedule: '30 2 * * *' } }));
    const cron = find(r, 'CronJob', 'postgres-backup');
    expect(cron.spec).toMatchObject({ schedule: '30 2 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
    const c = cron.spec.jobTemplate.spec.template.spec.containers[0];
    expect(c.image).toBe('ghcr.io/owl-corp/psql_extended:16');
    expect(c.command).toEqual(['bash', '-c']);
    expect(c.args).toEqual([DUMP_SCRIPT]);
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      PGHOST: 'postgres-headless',
      PGPORT: '5432',
      DUMP_DIR: '/backups/postgres',
      DUMP_PREFIX: 'postgres',
      RETENTION_DAYS: '7',
    });
    expect(env.PGPASSWORD).toEqual({ secretKeyRef: { name: 'postgres-env', key: 'POSTGRES_PASSWORD' } });
    const pvc = r.objects.find((o) => o.file === 'persistentvolumeclaim-postgres-backups.yaml')!;
    expect(pvc.dataBearing).toBe(LIVE);
    expect(pvc.manifest.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'linode-block-storage-retain',
      resources: { requests: { storage: '20Gi' } },
    });
    expect(pvc.manifest.metadata.labels).toMatchObject({ 'pgfleet.io/generation': LIVE, 'pgfleet.io/step': 'backup' });
    expect(cron.spec.jobTemplate.spec.template.spec.volumes.find((v: any) => v.name === 'backups')).toEqual({
      name: 'backups',
      persistentVolumeClaim: { claimName: 'postgres-backups' },
    });
    expect(r.state.databases.postgres.generations.postgres.archives).toEqual([
      { kind: 'pvc', url: 'pvc://databases/postgres-backups/postgres/' },
    ]);
    expect(all(r, 'ConfigMap').map((m) => m.metadata.name)).toEqual(['postgres-config']);
  });

  test('to a bucket: dump into scratch space, then rclone uploads it, keys from the Secret', () => {
    const r = render(pydis('prod', { backup: dumpToS3 }));
    const pod = find(r, 'CronJob', 'postgres-backup').spec.jobTemplate.spec.template.spec;
    expect(pod.initContainers.map((c: any) => [c.name, c.args[0]])).toEqual([['dump', DUMP_SCRIPT]]);
    const upload = pod.containers[0];
    expect([upload.name, upload.image, upload.command, upload.args]).toEqual([
      'upload',
      'docker.io/rclone/rclone:1.68.2',
      ['sh', '-c'],
      [UPLOAD_SCRIPT],
    ]);
    const env = Object.fromEntries(upload.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      DEST: 'archive:pydis-backups/postgres/postgres',
      RCLONE_CONFIG_ARCHIVE_TYPE: 's3',
      RCLONE_CONFIG_ARCHIVE_ENDPOINT: 'https://eu-central-1.linodeobjects.com',
      RCLONE_CONFIG_ARCHIVE_ACCESS_KEY_ID: { secretKeyRef: { name: 'backup-s3', key: 'access_key' } },
      RCLONE_CONFIG_ARCHIVE_SECRET_ACCESS_KEY: { secretKeyRef: { name: 'backup-s3', key: 'secret_key' } },
    });
    expect(pod.volumes.find((v: any) => v.name === 'scratch')).toEqual({ name: 'scratch', emptyDir: { sizeLimit: '10Gi' } });
    expect(r.state.databases.postgres.generations.postgres.archives).toEqual([
      { kind: 's3', url: 's3://pydis-backups/postgres/postgres/' },
    ]);
  });

  test('an explicit client image at least as new as the server is accepted', () => {
    const r = render(pydis('prod', { backup: { ...dumpToPvc, image: 'docker.io/library/postgres:17-bookworm' } }));
    expect(find(r, 'CronJob', 'postgres-backup').spec.jobTemplate.spec.template.spec.containers[0].image).toBe(
      'docker.io/library/postgres:17-bookworm',
    );
  });
});

describe('standalone engine: restore from blackbox', () => {
  const r = render(restoringBlackbox());
  const job = find(r, 'Job', 'postgres-restored-restore');
  const pod = job.spec.template.spec;

  test("rclone downloads the newest blackbox dump from the first storage target into the generation's dump PVC", () => {
    expect(job.metadata.annotations['pgfleet.io/dump']).toBe(
      's3://blackbox/(newest postgres_blackbox_*.sql.gz) at eu-central-1.linodeobjects.com (frankfurt_s3)',
    );
    const fetch = pod.initContainers[0];
    expect([fetch.name, fetch.image, fetch.command, fetch.args]).toEqual([
      'fetch',
      'docker.io/rclone/rclone:1.68.2',
      ['sh', '-c'],
      [BLACKBOX_FETCH_SCRIPT],
    ]);
    expect(envOf(fetch)).toEqual({
      HOME: '/tmp',
      RCLONE_CONFIG: '/tmp/rclone.conf',
      RCLONE_CONFIG_ARCHIVE_TYPE: 's3',
      RCLONE_CONFIG_ARCHIVE_PROVIDER: 'Other',
      RCLONE_CONFIG_ARCHIVE_ENV_AUTH: 'false',
      RCLONE_CONFIG_ARCHIVE_ACCESS_KEY_ID: { secretKeyRef: { name: 'blackbox-env', key: 'AWS_ACCESS_KEY_ID' } },
      RCLONE_CONFIG_ARCHIVE_SECRET_ACCESS_KEY: { secretKeyRef: { name: 'blackbox-env', key: 'AWS_SECRET_ACCESS_KEY' } },
      RCLONE_CONFIG_ARCHIVE_ENDPOINT: 'https://eu-central-1.linodeobjects.com',
      SRC: 'archive:blackbox',
      DUMP_DIR: '/dump',
      DUMP_PREFIX: 'postgres',
    });
    expect(find(r, 'PersistentVolumeClaim', 'postgres-restored-dump').spec.resources.requests.storage).toBe('25Gi');
  });

  test('the import checks what blackbox gives (no checksum: the gzip CRC) and imports into the new server', () => {
    const main = pod.containers[0];
    expect([main.name, main.image, main.args]).toEqual(['restore', 'ghcr.io/owl-corp/psql_extended:16', [IMPORT_SCRIPT]]);
    expect(envOf(main)).toMatchObject({ PGHOST: 'postgres-restored-headless', DUMP_DIR: '/dump', DUMP_VERIFY: 'gzip' });
    expect(envOf(main).DUMP_FILE).toBeUndefined();
    expect(job.spec.backoffLimit).toBe(0);
  });

  test('a named dump reaches both containers; a restore of pgfleet dumps sets no DUMP_VERIFY', () => {
    const named = find(
      render(restoringBlackbox({ backupFile: 'postgres_blackbox_20_11_2026.sql.gz' })),
      'Job',
      'postgres-restored-restore',
    );
    const [fetch, main] = [named.spec.template.spec.initContainers[0], named.spec.template.spec.containers[0]];
    expect([envOf(fetch).DUMP_FILE, envOf(main).DUMP_FILE]).toEqual([
      'postgres_blackbox_20_11_2026.sql.gz',
      'postgres_blackbox_20_11_2026.sql.gz',
    ]);
    expect(named.metadata.annotations['pgfleet.io/dump']).toBe(
      's3://blackbox/postgres_blackbox_20_11_2026.sql.gz at eu-central-1.linodeobjects.com (frankfurt_s3)',
    );
    const dumps = find(render(restoringBlackbox({}, { backup: dumpToPvc })), 'Job', 'postgres-restored-restore');
    expect(envOf(dumps.spec.template.spec.containers[0]).DUMP_VERIFY).toBeUndefined();
  });

  test('pgfleet diff: a new server beside the live one, and a restore Job that says what vouches for the dump', () => {
    const d = diffRendered(render(pydis('prod')).files, r);
    expect(summary(d).filter((l) => !l.endsWith(' safe'))).toEqual([
      '+ PersistentVolumeClaim/postgres-restored-data new-cluster',
      '+ StatefulSet/postgres-restored new-cluster',
    ]);
    const restore = d.objects.find((o) => o.file === 'job-postgres-restored-restore.yaml')!.changes[0];
    expect(restore.reasons.map((x) => x.why)).toEqual([
      "downloads blackbox's dump (its pgfleet.io/dump annotation says which) into postgres-restored-dump, checks its gzip CRC and " +
        'that it ends as pg_dumpall ends (blackbox records no checksum), then imports it into the empty server postgres-restored ' +
        'with ON_ERROR_STOP (any SQL error fails the Job, which is not retried)',
    ]);
  });
});
