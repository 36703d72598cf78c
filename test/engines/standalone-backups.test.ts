/**
 * Standalone engine: the nightly backups of the seed's server (pydis-prod): blackbox and pgfleet's
 * dump CronJob.
 */
import { DUMP_SCRIPT, UPLOAD_SCRIPT } from '../../lib/engines/standalone/dump-scripts';
import { all, find, render } from '../helpers';
import { dumpToPvc, dumpToS3, LIVE, pydis } from './standalone-stack';

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
