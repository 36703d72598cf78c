/** The restore drill objects every engine renders (`drill`), and what synth refuses about them. */
import { all, find, issuesOf, render } from '../helpers';
import { forgejo } from './cnpg-stack';
import { jobstore, prodDatabase, withRepos, LIVE as JOBSTORE } from './crunchy-stack';
import { ciip, KEY_SECRET } from './spilo-stack';
import { hcap } from './patroni-stack';
import { dumpToPvc, dumpToS3, pydis } from './standalone-stack';

const drill = { schedule: '0 3 * * 0', check: { query: 'select count(*) from repository', atLeast: 1 } };
const pod = (cronJob: Record<string, any>) => cronJob.spec.jobTemplate.spec.template.spec;
const container = (cronJob: Record<string, any>, name: string) =>
  [...(pod(cronJob).initContainers ?? []), ...pod(cronJob).containers].find((c: { name: string }) => c.name === name);
const envOf = (c: Record<string, any>) => Object.fromEntries(c.env.map((e: Record<string, any>) => [e.name, e.value ?? e.valueFrom]));

describe('restore drills: the objects', () => {
  const r = render(forgejo({ drill }));
  const cronJob = find(r, 'CronJob', 'forgejo-db-drill');

  test('one CronJob per live generation, with its ServiceAccount, Role, RoleBinding and outcome ConfigMap, all named <generation>-drill', () => {
    expect(r.objects.filter((o) => o.file.includes('-drill')).map((o) => o.file)).toEqual([
      'serviceaccount-forgejo-db-drill.yaml',
      'role-forgejo-db-drill.yaml',
      'rolebinding-forgejo-db-drill.yaml',
      'configmap-forgejo-db-drill.yaml',
      'cronjob-forgejo-db-drill.yaml',
    ]);
    const two = render(forgejo({ drill, generations: [{ name: 'forgejo-db' }, { name: 'forgejo-db-r1' }], serving: 'forgejo-db' }));
    expect(all(two, 'CronJob').map((c) => c.metadata.name)).toEqual(['forgejo-db-drill', 'forgejo-db-r1-drill']);
  });

  test('the schedule, no overlap, no retry, a deadline, little history', () => {
    expect(cronJob.spec).toMatchObject({
      schedule: '0 3 * * 0',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 1,
      jobTemplate: { spec: { backoffLimit: 0, activeDeadlineSeconds: 3600 } },
    });
  });

  test('least privilege: get and patch of its own ConfigMap only, and only the recorder holds the token', () => {
    expect(find(r, 'Role', 'forgejo-db-drill').rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['forgejo-db-drill'], verbs: ['get', 'patch'] },
    ]);
    expect(find(r, 'ServiceAccount', 'forgejo-db-drill').automountServiceAccountToken).toBe(false);
    expect(pod(cronJob)).toMatchObject({
      automountServiceAccountToken: false,
      serviceAccountName: 'forgejo-db-drill',
      restartPolicy: 'Never',
    });
    const tokenMounts = [...pod(cronJob).initContainers, ...pod(cronJob).containers]
      .filter((c: Record<string, any>) => c.volumeMounts.some((m: { name: string }) => m.name === 'token'))
      .map((c: { name: string }) => c.name);
    expect(tokenMounts).toEqual(['record']);
    expect(container(cronJob, 'record').args).toEqual([
      'patch',
      'configmap',
      'forgejo-db-drill',
      '-n',
      'forgejo',
      '--type=merge',
      '--patch-file=/drill-status/patch.json',
    ]);
    expect(find(r, 'ConfigMap', 'forgejo-db-drill').data).toBeUndefined();
  });

  test('restricted pods: non-root, no capability, read-only root; the restore lands on an ephemeral claim the pod owns', () => {
    expect(pod(cronJob).securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 26,
      runAsGroup: 26,
      fsGroup: 26,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    for (const c of [...pod(cronJob).initContainers, ...pod(cronJob).containers])
      expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
    const scratch = pod(cronJob).volumes.find((v: { name: string }) => v.name === 'scratch');
    expect(scratch.ephemeral.volumeClaimTemplate.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'cluster-nobackup',
      resources: { requests: { storage: '50Gi' } },
    });
  });

  test('CloudNativePG: barman-cloud reads the generation folder with the backup keys, or the drill’s own', () => {
    const restore = container(cronJob, 'restore');
    expect(restore.image).toBe('ghcr.io/cloudnative-pg/postgresql:18-system-trixie');
    expect(envOf(restore)).toMatchObject({
      BARMAN_DESTINATION: 's3://dal-site-backups/indigo/forgejo/postgres/',
      BARMAN_SERVER_NAME: 'forgejo-db-pg18',
      AWS_ACCESS_KEY_ID: { secretKeyRef: { name: 'forgejo-backup-creds', key: 'access_key' } },
      CHECK_DATABASE: 'app',
      CHECK_QUERY: 'select count(*) from repository',
      CHECK_AT_LEAST: '1',
    });
    const ro = render(
      forgejo({ drill: { ...drill, credentials: { vault: { path: '/aws/creds/forgejo-db-drill', role: 'forgejo-db-drill' } } } }),
    );
    expect(envOf(container(find(ro, 'CronJob', 'forgejo-db-drill'), 'restore')).AWS_ACCESS_KEY_ID).toEqual({
      secretKeyRef: { name: 'forgejo-drill-creds', key: 'access_key' },
    });
    expect(find(ro, 'VaultDynamicSecret', 'forgejo-drill-creds').spec.path).toBe('/aws/creds/forgejo-db-drill');
  });

  test('Crunchy PGO: the first object-storage repository at the generation’s path, keys from the conf.d Secret', () => {
    const s3 = {
      name: 'repo2',
      retention: { full: 14, type: 'time' },
      s3: { bucket: 'jobstore', endpoint: 's3.example.com', region: 'ca', credentials: { existingSecret: { name: 'jobstore-s3' } } },
    };
    const job = find(
      render(withRepos([prodDatabase().backups.repos[0], s3], { drill: { ...drill, image: 'crunchy-postgres:ubi9-16.9-2525' } })),
      'CronJob',
      `${JOBSTORE}-drill`,
    );
    const restore = container(job, 'restore');
    expect(envOf(restore)).toMatchObject({
      PGBACKREST_REPO: '2',
      PGBACKREST_REPO2_TYPE: 's3',
      PGBACKREST_REPO2_PATH: `/pgbackrest/f3c07a-prod/${JOBSTORE}/repo2`,
      PGBACKREST_CONFIG_INCLUDE_PATH: '/etc/pgbackrest/conf.d',
      CHECK_DATABASE: 'api',
    });
    expect(pod(job).volumes.find((v: { name: string }) => v.name === 'pgbackrest-conf').secret).toEqual({
      secretName: 'api-postgres-pgbackrest-secrets',
    });
  });

  test('Spilo: WAL-G reads the generation prefix with the backup key Secret, in the Spilo image', () => {
    const job = find(render(ciip({ drill })), 'CronJob', 'ciip-portal-patroni-drill');
    const restore = container(job, 'restore');
    expect(restore.image).toMatch(/^ghcr\.io\/bcgov\/cas-postgres:/);
    expect(envOf(restore)).toMatchObject({
      WALG_GS_PREFIX: 'gs://wksv3k-prod-ciip-backups/wal/ciip-portal-patroni',
      GOOGLE_APPLICATION_CREDENTIALS: '/drill-key/key.json',
      PATH: '/usr/lib/postgresql/12/bin:/usr/local/bin:/usr/bin:/bin',
    });
    expect(pod(job).volumes.find((v: { name: string }) => v.name === 'drill-key').secret.secretName).toBe(KEY_SECRET);
  });

  test('Patroni: the backup volume mounted read-only, in the backup-container image; OpenShift assigns the ids', () => {
    const job = find(render(hcap({ drill })), 'CronJob', 'hcap-patroni-drill');
    expect(container(job, 'restore').image).toBe('docker.io/bcgovimages/backup-container:2.3.3');
    expect(container(job, 'restore').volumeMounts).toContainEqual({ name: 'backups', mountPath: '/backups', readOnly: true });
    expect(pod(job).volumes).toContainEqual({
      name: 'backups',
      persistentVolumeClaim: { claimName: 'hcap-patroni-backup', readOnly: true },
    });
    // hcap runs on OpenShift: the restricted SCC assigns uid and fsGroup, runAsNonRoot still holds.
    expect(pod(job).securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    const k8s = find(render(hcap({ drill, platform: 'kubernetes' })), 'CronJob', 'hcap-patroni-drill');
    expect(pod(k8s).securityContext).toMatchObject({ runAsUser: 26, fsGroup: 26 });
  });

  test('standalone: the generation claim read-only, or a download from the bucket (dumps) or blackbox storage first', () => {
    const pvc = find(render(pydis('prod', { backup: dumpToPvc, drill })), 'CronJob', 'postgres-drill');
    expect(envOf(container(pvc, 'restore'))).toMatchObject({ DUMP_DIR: '/backups/postgres', DUMP_PATTERN: 'postgres-*.sql.gz' });
    expect(pod(pvc).volumes).toContainEqual({ name: 'backups', persistentVolumeClaim: { claimName: 'postgres-backups', readOnly: true } });
    const s3 = find(render(pydis('prod', { backup: dumpToS3, drill })), 'CronJob', 'postgres-drill');
    expect(pod(s3).initContainers.map((c: { name: string }) => c.name)).toEqual(['fetch', 'restore']);
    expect(envOf(container(s3, 'fetch')).SRC).toBe('archive:pydis-backups/postgres/postgres');
    const blackbox = find(render(pydis('prod', { drill })), 'CronJob', 'postgres-drill');
    // blackbox uploads <id>_blackbox_<date>.sql.gz (gzip'd, no checksum): the restore's own download picks this database's newest.
    expect(envOf(container(blackbox, 'restore'))).toMatchObject({ DUMP_PATTERN: 'postgres_blackbox_*.sql.gz', DUMP_VERIFY: 'gzip' });
    expect(envOf(container(blackbox, 'fetch'))).toMatchObject({ SRC: 'archive:blackbox', DUMP_PREFIX: 'postgres' });
    expect(container(blackbox, 'fetch').image).toBe('docker.io/rclone/rclone:1.68.2');
  });
});

describe('restore drills never touch the live generation', () => {
  const stacks: Record<string, Record<string, unknown>> = {
    cnpg: forgejo({ drill }),
    spilo: ciip({ drill }),
    patroni: hcap({ drill }),
    standalone: pydis('prod', { backup: dumpToPvc, drill }),
  };
  test.each(Object.keys(stacks))('%s: no connection to a server, claims only read-only or its own scratch', (engine) => {
    const r = render(stacks[engine]);
    const drills = all(r, 'CronJob').filter((c) => c.metadata.name.endsWith('-drill'));
    // One drill per live generation, at least one: the loop below checks something.
    expect(drills.length).toBeGreaterThan(0);
    expect(drills.map((c) => c.metadata.name)).toEqual(r.resolved.databases.flatMap((d) => d.generations.map((g) => `${g.name}-drill`)));
    for (const job of drills) {
      const spec = pod(job);
      const env = [...spec.initContainers, ...spec.containers].flatMap((c: Record<string, any>) => c.env ?? []);
      expect(env.filter((e: { name: string }) => ['PGHOST', 'PGPASSWORD', 'DATABASE_URL'].includes(e.name))).toEqual([]);
      for (const v of spec.volumes.filter((x: Record<string, any>) => x.persistentVolumeClaim))
        expect(v.persistentVolumeClaim.readOnly).toBe(true);
      for (const c of [...spec.initContainers, ...spec.containers])
        for (const m of c.volumeMounts.filter(
          (x: { name: string }) => spec.volumes.find((v: Record<string, any>) => v.name === x.name)?.persistentVolumeClaim,
        ))
          expect(m.readOnly).toBe(true);
    }
  });
});

describe('restore drills: what synth refuses', () => {
  test('a check needs exactly one expected result', () => {
    expect(issuesOf(() => render(forgejo({ drill: { ...drill, check: { query: 'select 1', atLeast: 1, equals: '1' } } })))).toEqual([
      {
        path: 'pgfleet:databases[0].drill.check',
        value: { query: 'select 1', atLeast: 1, equals: '1' },
        allowed: 'one expected result: atLeast (a number the value must reach) or equals (the exact text)',
        fix: 'keep one of atLeast and equals',
      },
    ]);
  });

  test('Crunchy PGO: only a repository in object storage can be drilled, and the image must be known', () => {
    expect(issuesOf(() => render(jobstore('prod', { drill })))).toEqual([
      {
        path: 'pgfleet:databases[0].drill',
        value: 'repo1',
        allowed:
          "a repository in object storage (s3, gcs or azure) to restore from: a volume repository is a ReadWriteOnce claim of PGO's repo host, which a drill pod cannot mount beside it",
        fix: 'add an s3, gcs or azure repository (e.g. repo2) with its own schedules, or remove drill',
      },
    ]);
    const s3 = {
      name: 'repo2',
      retention: { full: 3 },
      s3: { bucket: 'b-b', endpoint: 'e', region: 'r', credentials: { existingSecret: { name: 's' } } },
    };
    expect(issuesOf(() => render(withRepos([s3], { drill }))).map((i) => `${i.path}: ${i.fix}`)).toEqual([
      "pgfleet:databases[0].drill.image: set drill.image to the crunchy-postgres image of your PGO release for that major (the operator Deployment's RELATED_IMAGE_POSTGRES_<major>)",
    ]);
  });

  test('credentials the store cannot use, and credentials where none are read', () => {
    const keyFile = { keyFileSecret: { name: 'gcs-viewer' } };
    const s3Keys = { existingSecret: { name: 'read-only' } };
    expect(issuesOf(() => render(forgejo({ drill: { ...drill, credentials: keyFile } }))).map((i) => i.path)).toEqual([
      'pgfleet:databases[0].drill.credentials.keyFileSecret',
    ]);
    expect(issuesOf(() => render(ciip({ drill: { ...drill, credentials: s3Keys } }))).map((i) => `${i.path}: ${i.allowed}`)).toEqual([
      'pgfleet:databases[0].drill.credentials: keyFileSecret: WAL-G reads the GCS prefix with a service-account key file',
    ]);
    expect(issuesOf(() => render(hcap({ drill: { ...drill, credentials: s3Keys } }))).map((i) => `${i.path}: ${i.fix}`)).toEqual([
      'pgfleet:databases[0].drill.credentials: remove drill.credentials',
    ]);
    expect(
      issuesOf(() => render(pydis('prod', { backup: dumpToPvc, drill: { ...drill, credentials: s3Keys } }))).map((i) => i.path),
    ).toEqual(['pgfleet:databases[0].drill.credentials']);
  });

  test('Patroni: the check runs in a database the backup-container dumps', () => {
    expect(issuesOf(() => render(hcap({ drill: { ...drill, check: { ...drill.check, database: 'other' } } })))).toEqual([
      {
        path: 'pgfleet:databases[0].drill.check.database',
        value: 'other',
        allowed: 'a database the backup-container dumps: hcap',
        fix: 'name one of them, or add it to backup.databases',
      },
    ]);
  });
});
