import { ConfigError } from '../../lib/config/config-error';
import { RESTORE_SCRIPT, UPGRADE_SCRIPT } from '../../lib/engines/patroni/job-scripts';
import { all, dependsOn, filesOf, find, render, renderAfter } from '../helpers';
import { containerOf, envOf, envVar, generationFiles, hcap, issuesOf, restored } from './patroni-stack';

const LIVE_FILES = [
  'configmap-hcap-patroni-backup.yaml',
  'cronjob-hcap-patroni-backup-hcap.yaml',
  'cronjob-hcap-patroni-backup-verify.yaml',
  'networkpolicy-hcap-patroni-backup.yaml',
  'networkpolicy-hcap-patroni.yaml',
  'persistentvolumeclaim-hcap-patroni-backup-verify.yaml',
  'persistentvolumeclaim-hcap-patroni-backup.yaml',
  'poddisruptionbudget-hcap-patroni.yaml',
  'role-hcap-patroni.yaml',
  'rolebinding-hcap-patroni.yaml',
  'service-hcap-patroni.yaml',
  'serviceaccount-hcap-patroni.yaml',
  'statefulset-hcap-patroni.yaml',
];

describe('Patroni restore, upgrade and in-place restore', () => {
  describe('restoreFrom: a new Patroni cluster loaded from a dump', () => {
    const before = render(hcap());
    const after = renderAfter(hcap(), restored({ targetTime: '2026-11-20T09:30:00Z' }));

    test('renders a second cluster with its own backups, and a restore Job', () => {
      expect(generationFiles(after, 'hcap-patroni-r1')).toEqual([
        'configmap-hcap-patroni-r1-backup.yaml',
        'cronjob-hcap-patroni-r1-backup-hcap.yaml',
        'cronjob-hcap-patroni-r1-backup-verify.yaml',
        'job-hcap-patroni-r1-restore-hcap.yaml',
        'networkpolicy-hcap-patroni-r1-backup.yaml',
        'networkpolicy-hcap-patroni-r1.yaml',
        'persistentvolumeclaim-hcap-patroni-r1-backup-verify.yaml',
        'persistentvolumeclaim-hcap-patroni-r1-backup.yaml',
        'poddisruptionbudget-hcap-patroni-r1.yaml',
        'role-hcap-patroni-r1.yaml',
        'rolebinding-hcap-patroni-r1.yaml',
        'service-hcap-patroni-r1.yaml',
        'serviceaccount-hcap-patroni-r1.yaml',
        'statefulset-hcap-patroni-r1.yaml',
      ]);
      expect(envOf(find(after, 'StatefulSet', 'hcap-patroni-r1')).PATRONI_SCOPE).toBe('hcap-patroni-r1');
      expect(find(after, 'Service', 'hcap-patroni-r1').spec.selector['cluster-name']).toBe('hcap-patroni-r1');
    });

    test('leaves every file of the live generation byte-identical', () => {
      expect(generationFiles(before, 'hcap-patroni')).toEqual(LIVE_FILES);
      const b = filesOf(before);
      const a = filesOf(after);
      for (const f of LIVE_FILES) expect(a[f]).toBe(b[f]);
    });

    test("the restore Job runs after the new cluster, reads the source's volume and loads the new leader", () => {
      const file = 'job-hcap-patroni-r1-restore-hcap.yaml';
      expect(dependsOn(after, file)).toEqual([
        'networkpolicy-hcap-patroni-r1-backup.yaml',
        'networkpolicy-hcap-patroni-r1.yaml',
        'poddisruptionbudget-hcap-patroni-r1.yaml',
        'role-hcap-patroni-r1.yaml',
        'rolebinding-hcap-patroni-r1.yaml',
        'service-hcap-patroni-r1.yaml',
        'serviceaccount-hcap-patroni-r1.yaml',
        'statefulset-hcap-patroni-r1.yaml',
      ]);
      const job = find(after, 'Job', 'hcap-patroni-r1-restore-hcap');
      expect(job.metadata.labels).toMatchObject({ 'pgfleet.io/generation': 'hcap-patroni-r1', 'pgfleet.io/restore': 'new-generation' });
      expect(job.spec.template.spec.volumes).toContainEqual({
        name: 'backup',
        persistentVolumeClaim: { claimName: 'hcap-patroni-backup' },
      });
      expect(containerOf(job).command).toEqual(['/bin/bash', '-c', RESTORE_SCRIPT]);
      // Exactly what the restore script reads: no backup.sh settings (it does not run backup.sh), no time zone.
      expect(containerOf(job).env.map((e: any) => e.name)).toEqual([
        'BACKUP_DIR',
        'DUMP_PREFIX',
        'SELECT',
        'TARGET_STAMP',
        'TARGET_HOST',
        'TARGET_PORT',
        'DATABASE',
        'APP_USER',
        'RESTORE_MARKER',
        'DATABASE_USER',
        'DATABASE_PASSWORD',
      ]);
      expect(envOf(job)).toEqual({
        BACKUP_DIR: '/backups/',
        DUMP_PREFIX: 'hcap-patroni-hcap',
        SELECT: 'before',
        // 09:30 UTC is 01:30 in Vancouver (PST, UTC-8): the backup-container names dumps in that clock.
        TARGET_STAMP: '2026-11-20_01-30-00',
        TARGET_HOST: 'hcap-patroni-r1',
        TARGET_PORT: '5432',
        DATABASE: 'hcap',
        RESTORE_MARKER: 'pgfleet:hcap-prod/hcap-patroni-r1-restore-hcap',
      });
      expect(envVar(job, 'DATABASE_PASSWORD')!.valueFrom.secretKeyRef).toEqual({ name: 'hcap-patroni', key: 'superuser-password' });
      expect(envVar(job, 'DATABASE_USER')!.valueFrom.secretKeyRef).toEqual({ name: 'hcap-patroni', key: 'superuser-username' });
      expect(envVar(job, 'APP_USER')!.valueFrom.secretKeyRef).toEqual({ name: 'hcap-patroni', key: 'db-username' });
      expect(job.spec.template.spec.volumes.map((v: any) => v.name)).toEqual(['backup', 'tmp', 'home']);
      expect(job.spec.template.metadata.labels['pgfleet.io/backup']).toBe('hcap');
    });

    test('the restored cluster writes to a backup volume of its own', () => {
      const gens = after.state.databases.hcap.generations;
      expect(gens['hcap-patroni-r1'].archives).toEqual([{ kind: 'pvc', url: 'pvc://hcap-prod/hcap-patroni-r1-backup/' }]);
      expect(gens['hcap-patroni-r1'].archives).not.toEqual(gens['hcap-patroni'].archives);
      expect(gens['hcap-patroni-r1'].bootstrap).toEqual({
        kind: 'restore',
        source: 'hcap-patroni',
        target: { kind: 'time', time: '2026-11-20T09:30:00+00:00' },
      });
      expect(envOf(find(after, 'CronJob', 'hcap-patroni-r1-backup-hcap')).DUMP_PREFIX).toBe('hcap-patroni-r1-hcap');
      expect(find(after, 'CronJob', 'hcap-patroni-r1-backup-hcap').spec.jobTemplate.spec.template.spec.volumes).toContainEqual({
        name: 'backup',
        persistentVolumeClaim: { claimName: 'hcap-patroni-r1-backup' },
      });
    });

    test('consumers stay on the serving generation until serving changes', () => {
      expect(find(after, 'ExternalSecret', 'hcap-server-database-url').spec.target.template.data.DATABASE_URL).toContain(
        '@hcap-patroni.hcap-prod.svc:5432/hcap',
      );
      const cut = renderAfter(
        restored({ targetTime: '2026-11-20T09:30:00Z' }),
        restored({ targetTime: '2026-11-20T09:30:00Z' }, { serving: 'hcap-patroni-r1' }),
      );
      expect(find(cut, 'ExternalSecret', 'hcap-server-database-url').spec.target.template.data.DATABASE_URL).toContain(
        '@hcap-patroni-r1.hcap-prod.svc:5432/hcap',
      );
    });

    test('a named dump or the latest one', () => {
      const file = '/backups/daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz';
      const byFile = envOf(find(render(restored({ backupFile: file })), 'Job', 'hcap-patroni-r1-restore-hcap'));
      expect(byFile).toMatchObject({ SELECT: 'file', BACKUP_FILE: file });
      expect(byFile.TARGET_STAMP).toBeUndefined();
      const latest = envOf(find(render(restored()), 'Job', 'hcap-patroni-r1-restore-hcap'));
      expect(latest.SELECT).toBe('latest');
      expect(latest.BACKUP_FILE).toBeUndefined();
    });

    test('removing restoreFrom once restored removes only the Job: the restored cluster stays byte-identical', () => {
      const first = restored({ targetTime: '2026-11-20T09:30:00Z' });
      const a = render(first);
      const b = renderAfter(first, hcap({ generations: [{ name: 'hcap-patroni' }, { name: 'hcap-patroni-r1' }], serving: 'hcap-patroni' }));
      const fa = filesOf(a);
      const fb = filesOf(b);
      for (const f of generationFiles(a, 'hcap-patroni-r1').filter((x) => !x.startsWith('job-'))) expect(fb[f]).toBe(fa[f]);
      expect(all(b, 'Job')).toEqual([]);
    });

    test('fails when restoreFrom is added to a generation that already exists', () => {
      const issues = issuesOf(() =>
        renderAfter(
          restored(),
          hcap({
            generations: [
              { name: 'hcap-patroni' },
              { name: 'hcap-patroni-r1', restoreFrom: { generation: 'hcap-patroni', targetTime: '2026-11-19T09:30:00Z' } },
            ],
            serving: 'hcap-patroni',
          }),
        ),
      );
      expect(issues).toContainEqual(expect.objectContaining({ path: 'pgfleet:databases[0].generations[1].restoreFrom' }));
      expect(issues.find((i) => i.path.endsWith('restoreFrom'))!.allowed).toContain('drops the database it loads into');
    });
  });

  describe('upgradeFrom: dump and restore into a new cluster on the newer image', () => {
    // backup-container 2.3.3's pg_dump (12) cannot dump the new generation: the image moves first.
    const current = { image: 'docker.io/bcgovimages/backup-container:2.13.0' };
    const upgrade = hcap(
      {
        images: {
          '12': 'image-registry.openshift-image-registry.svc:5000/bcgov/patroni-postgres:2.0.1-12.4-latest',
          '15': 'registry.example/patroni-postgres:15.8-1',
        },
        generations: [{ name: 'hcap-patroni' }, { name: 'hcap-pg15', postgresVersion: 15, upgradeFrom: { generation: 'hcap-patroni' } }],
        serving: 'hcap-patroni',
      },
      current,
    );
    const before = render(hcap({}, current));
    const r = renderAfter(hcap({}, current), upgrade);

    test('the new cluster runs the image of the new major', () => {
      expect(containerOf(find(r, 'StatefulSet', 'hcap-pg15')).image).toBe('registry.example/patroni-postgres:15.8-1');
      expect(containerOf(find(r, 'StatefulSet', 'hcap-patroni')).image).toBe(
        'image-registry.openshift-image-registry.svc:5000/bcgov/patroni-postgres:2.0.1-12.4-latest',
      );
      expect(r.state.databases.hcap.generations['hcap-pg15']).toMatchObject({
        postgresVersion: 15,
        bootstrap: { kind: 'upgrade', source: 'hcap-patroni' },
        archives: [{ kind: 'pvc', url: 'pvc://hcap-prod/hcap-pg15-backup/' }],
      });
    });

    test('the upgrade Job dumps the live cluster to a folder of its own and loads it, after the new cluster', () => {
      const job = find(r, 'Job', 'hcap-pg15-upgrade-hcap');
      expect(dependsOn(r, 'job-hcap-pg15-upgrade-hcap.yaml')).toContain('statefulset-hcap-pg15.yaml');
      expect(containerOf(job).command).toEqual(['/bin/bash', '-c', UPGRADE_SCRIPT]);
      // What backup.sh -1 reads (keeping every dump of its own folder), then what the restore reads.
      expect(containerOf(job).env.map((e: any) => e.name)).toEqual([
        'TZ',
        'BACKUP_DIR',
        'BACKUP_STRATEGY',
        'NUM_BACKUPS',
        'BACKUP_CONF',
        'DATABASE_USER',
        'DATABASE_PASSWORD',
        'DUMP_PREFIX',
        'TARGET_HOST',
        'TARGET_PORT',
        'DATABASE',
        'APP_USER',
        'RESTORE_MARKER',
      ]);
      expect(envOf(job)).toEqual({
        TZ: 'America/Vancouver',
        BACKUP_DIR: '/backups/upgrade-hcap-pg15/',
        BACKUP_STRATEGY: 'daily',
        NUM_BACKUPS: '100000',
        BACKUP_CONF: '/etc/pgfleet/backup.conf',
        DUMP_PREFIX: 'hcap-patroni-hcap',
        TARGET_HOST: 'hcap-pg15',
        TARGET_PORT: '5432',
        DATABASE: 'hcap',
        RESTORE_MARKER: 'pgfleet:hcap-prod/hcap-pg15-upgrade-hcap',
      });
      expect(job.spec.template.spec.volumes).toContainEqual({
        name: 'config',
        configMap: { name: 'hcap-patroni-backup', items: [{ key: 'hcap.conf', path: 'backup.conf' }] },
      });
      expect(job.spec.template.spec.volumes).toContainEqual({
        name: 'backup',
        persistentVolumeClaim: { claimName: 'hcap-patroni-backup' },
      });
      expect(job.metadata.labels['pgfleet.io/restore']).toBe('upgrade');
    });

    test('leaves the live generation byte-identical', () => {
      const b = filesOf(before);
      const a = filesOf(r);
      for (const f of LIVE_FILES) expect(a[f]).toBe(b[f]);
    });

    test("fails when the live generation's major is raised in place", () => {
      const issues = issuesOf(() =>
        renderAfter(
          hcap({}, current),
          hcap({ postgresVersion: 15, images: { '15': 'registry.example/patroni-postgres:15.8-1' } }, current),
        ),
      );
      expect(issues).toEqual([expect.objectContaining({ path: 'pgfleet:databases[0].postgresVersion', value: 15 })]);
      expect(issues[0].fix).toContain('upgradeFrom');
    });

    test('fails without an image for the new major', () => {
      const issues = issuesOf(() =>
        render(
          hcap(
            {
              generations: [
                { name: 'hcap-patroni' },
                { name: 'hcap-pg15', postgresVersion: 15, upgradeFrom: { generation: 'hcap-patroni' } },
              ],
              serving: 'hcap-patroni',
            },
            current,
          ),
        ),
      );
      expect(issues).toEqual([expect.objectContaining({ path: 'pgfleet:databases[0].images' })]);
      expect(issues[0].fix).toContain('images."15"');
    });

    test("fails when the backup-container's pg_dump is older than the new major (hcap's 2.3.3 ships pg_dump 12)", () => {
      const issues = issuesOf(() =>
        render(
          hcap({
            images: { '12': 'registry.example/patroni-postgres:12.4', '15': 'registry.example/patroni-postgres:15.8-1' },
            generations: [
              { name: 'hcap-patroni' },
              { name: 'hcap-pg15', postgresVersion: 15, upgradeFrom: { generation: 'hcap-patroni' } },
            ],
            serving: 'hcap-patroni',
          }),
        ),
      );
      expect(issues).toEqual([
        {
          path: 'pgfleet:databases[0].backup.image',
          value: 'docker.io/bcgovimages/backup-container:2.3.3',
          allowed:
            "a backup-container whose pg_dump (2.3.3: PostgreSQL 12) is at least every generation's major (15): pg_dump refuses to dump a newer server, so every backup would fail",
          fix: 'set backup.image to a release from 2.9.0 on, e.g. docker.io/bcgovimages/backup-container:2.13.0 (pg_dump 18)',
        },
      ]);
    });
  });

  describe('inPlaceRestore: the acknowledged destructive variant', () => {
    const inPlace = (ip: Record<string, unknown> = {}, db: Record<string, unknown> = {}) =>
      hcap({
        inPlaceRestore: {
          generation: 'hcap-patroni',
          id: '20261121',
          targetTime: '2026-11-20T09:30:00Z',
          scaleDown: [{ kind: 'DeploymentConfig', name: 'hcap-server' }],
          ...ip,
        },
        acknowledge: ['destroys-data:hcap-patroni'],
        ...db,
      });

    test('fails without the acknowledgement, naming it and the safe alternative', () => {
      let err: unknown;
      try {
        render(inPlace({}, { acknowledge: [] }));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      const issues = (err as ConfigError).issues;
      expect(issues).toHaveLength(1);
      expect(issues[0].path).toBe('pgfleet:databases[0].inPlaceRestore');
      expect(issues[0].allowed).toContain("drops hcap-patroni's database");
      expect(issues[0].fix).toContain('"destroys-data:hcap-patroni"');
      expect(issues[0].fix).toContain('restoreFrom');
    });

    test('fails with "latest": it would load the dump it just took', () => {
      const issues = issuesOf(() => render(inPlace({ targetTime: undefined })));
      expect(issues).toEqual([
        expect.objectContaining({
          path: 'pgfleet:databases[0].inPlaceRestore',
          allowed: expect.stringContaining('backupFile or targetTime'),
        }),
      ]);
    });

    const r = render(inPlace());
    const ordered = [
      'job-hcap-patroni-pre-restore-hcap-20261121.yaml',
      'cronjob-hcap-patroni-backup-hcap.yaml',
      'job-hcap-patroni-scale-down-20261121.yaml',
      'job-hcap-patroni-restore-hcap-20261121.yaml',
    ];

    test('renders backup → suspend → scale to zero → restore, each after the one before', () => {
      expect(dependsOn(r, ordered[0])).toEqual([]);
      expect(dependsOn(r, ordered[1])).toEqual([ordered[0]]);
      expect(dependsOn(r, ordered[2])).toEqual([ordered[1], 'rolebinding-hcap-patroni-scale-down-20261121.yaml']);
      expect(dependsOn(r, ordered[3])).toEqual([ordered[2]]);
      expect(find(r, 'CronJob', 'hcap-patroni-backup-hcap').spec.suspend).toBe(true);
      // Verification reads only the volume and keeps running.
      expect(find(r, 'CronJob', 'hcap-patroni-backup-verify').spec.suspend).toBe(false);
    });

    test('the pre-restore dump goes to a folder of its own, outside the pruned trees, and prunes nothing', () => {
      const pre = find(r, 'Job', 'hcap-patroni-pre-restore-hcap-20261121');
      const { env: preEnv, ...preRest } = containerOf(pre);
      const { env: cronEnv, ...cronRest } = containerOf(find(r, 'CronJob', 'hcap-patroni-backup-hcap'));
      expect(preRest).toEqual(cronRest);
      const retention = ['BACKUP_DIR', 'BACKUP_STRATEGY', 'DAILY_BACKUPS', 'WEEKLY_BACKUPS', 'MONTHLY_BACKUPS', 'NUM_BACKUPS'];
      expect(envOf(pre)).toMatchObject({ BACKUP_DIR: '/backups/pre-restore-20261121/', BACKUP_STRATEGY: 'daily', NUM_BACKUPS: '100000' });
      expect(preEnv.filter((e: any) => !retention.includes(e.name))).toEqual(cronEnv.filter((e: any) => !retention.includes(e.name)));
    });

    test('the scale-down Job may only read and scale the listed workloads', () => {
      expect(find(r, 'Role', 'hcap-patroni-scale-down-20261121').rules).toEqual([
        { apiGroups: ['apps.openshift.io'], resources: ['deploymentconfigs'], resourceNames: ['hcap-server'], verbs: ['get'] },
        {
          apiGroups: ['apps.openshift.io'],
          resources: ['deploymentconfigs/scale'],
          resourceNames: ['hcap-server'],
          verbs: ['get', 'patch', 'update'],
        },
      ]);
      const job = find(r, 'Job', 'hcap-patroni-scale-down-20261121');
      expect(job.spec.template.spec.serviceAccountName).toBe('hcap-patroni-scale-down-20261121');
      expect(containerOf(job).command).toEqual([
        'kubectl',
        'scale',
        '--namespace=hcap-prod',
        '--replicas=0',
        'deploymentconfig/hcap-server',
      ]);
      expect(containerOf(job).image).toBe('registry.k8s.io/kubectl:v1.32.4');
    });

    test('by default every consumer is scaled, as a Deployment', () => {
      const d = render(inPlace({ scaleDown: undefined }));
      expect(containerOf(find(d, 'Job', 'hcap-patroni-scale-down-20261121')).command.slice(4)).toEqual(['deployment/hcap-server']);
      expect(find(d, 'Role', 'hcap-patroni-scale-down-20261121').rules[1]).toEqual({
        apiGroups: ['apps'],
        resources: ['deployments/scale'],
        resourceNames: ['hcap-server'],
        verbs: ['get', 'patch', 'update'],
      });
    });

    test('the restore Job loads the live generation from its own volume', () => {
      const job = find(r, 'Job', 'hcap-patroni-restore-hcap-20261121');
      expect(job.metadata.labels['pgfleet.io/restore']).toBe('in-place');
      expect(envOf(job)).toMatchObject({
        SELECT: 'before',
        TARGET_STAMP: '2026-11-20_01-30-00',
        TARGET_HOST: 'hcap-patroni',
        DUMP_PREFIX: 'hcap-patroni-hcap',
        BACKUP_DIR: '/backups/',
      });
      expect(job.spec.template.spec.volumes).toContainEqual({
        name: 'backup',
        persistentVolumeClaim: { claimName: 'hcap-patroni-backup' },
      });
    });

    test('removing it resumes the backups and drops the Jobs; the cluster never changed', () => {
      const plain = filesOf(render(hcap()));
      const during = filesOf(r);
      expect(during['statefulset-hcap-patroni.yaml']).toBe(plain['statefulset-hcap-patroni.yaml']);
      const after = renderAfter(inPlace(), hcap());
      expect(filesOf(after)).toEqual(plain);
    });

    test('fails when an id is reused for another dump', () => {
      const issues = issuesOf(() => renderAfter(inPlace(), inPlace({ targetTime: '2026-11-19T09:30:00Z' })));
      expect(issues).toEqual([
        expect.objectContaining({ path: 'pgfleet:databases[0].inPlaceRestore.id', value: '20261121', fix: 'give this restore a new id' }),
      ]);
      expect(() => renderAfter(inPlace(), inPlace({ id: '20261122', targetTime: '2026-11-19T09:30:00Z' }))).not.toThrow();
    });
  });
});
