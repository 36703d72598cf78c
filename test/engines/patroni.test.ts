import { PatroniDcsRbac } from '../../lib/engines/patroni/patroni-dcs-rbac';
import { BACKUP_SCRIPT, VERIFY_SCRIPT } from '../../lib/engines/patroni/job-scripts';
import { all, filesOf, find, render } from '../helpers';
import { containerOf, envOf, envVar, hcap, stackConfig } from './patroni-stack';

describe('Patroni engine', () => {
  describe('hcap-prod: the live cluster and its backups', () => {
    const r = render(stackConfig('hcap-prod'), { stack: 'hcap-prod' });

    test('renders the expected objects', () => {
      expect(filesOf(r)).toMatchSnapshot();
      expect(r.objects.map((o) => o.file).sort()).toEqual([
        'configmap-hcap-patroni-backup.yaml',
        'cronjob-hcap-patroni-backup-hcap.yaml',
        'cronjob-hcap-patroni-backup-verify.yaml',
        'externalsecret-hcap-server-database-url.yaml',
        'networkpolicy-hcap-patroni-backup.yaml',
        'networkpolicy-hcap-patroni.yaml',
        'persistentvolumeclaim-hcap-patroni-backup-verify.yaml',
        'persistentvolumeclaim-hcap-patroni-backup.yaml',
        'poddisruptionbudget-hcap-patroni.yaml',
        'role-hcap-connections.yaml',
        'role-hcap-patroni.yaml',
        'rolebinding-hcap-connections.yaml',
        'rolebinding-hcap-patroni.yaml',
        'secretstore-hcap-connections.yaml',
        'service-hcap-patroni.yaml',
        'serviceaccount-hcap-connections.yaml',
        'serviceaccount-hcap-patroni.yaml',
        'statefulset-hcap-patroni.yaml',
      ]);
      for (const o of r.objects) expect(o.manifest.metadata.namespace).toBe('hcap-prod');
    });

    test('the generation name is the Patroni scope, StatefulSet, Service and DCS account', () => {
      const sts = find(r, 'StatefulSet', 'hcap-patroni');
      expect(sts.spec.serviceName).toBe('hcap-patroni');
      expect(envOf(sts).PATRONI_SCOPE).toBe('hcap-patroni');
      expect(sts.spec.template.spec.serviceAccountName).toBe('hcap-patroni');
      expect(find(r, 'RoleBinding', 'hcap-patroni').subjects).toEqual([
        { kind: 'ServiceAccount', name: 'hcap-patroni', namespace: 'hcap-prod' },
      ]);
      expect(find(r, 'RoleBinding', 'hcap-patroni').roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: 'hcap-patroni',
      });
      expect(
        r.objects
          .filter((o) => o.dataBearing)
          .map((o) => o.file)
          .sort(),
      ).toEqual(['persistentvolumeclaim-hcap-patroni-backup.yaml', 'statefulset-hcap-patroni.yaml']);
    });

    test('the Service always selects the leader: the member labels plus role master', () => {
      const svc = find(r, 'Service', 'hcap-patroni');
      expect(svc.spec.selector).toEqual({ 'cluster-name': 'hcap-patroni', role: 'master', 'app.kubernetes.io/name': 'patroni' });
      expect(svc.spec.ports).toEqual([{ name: 'postgresql', port: 5432, targetPort: 5432, protocol: 'TCP' }]);
      const sts = find(r, 'StatefulSet', 'hcap-patroni');
      const podLabels = sts.spec.template.metadata.labels;
      // Every selector label but the one Patroni sets on the leader is on each member pod...
      const { role, ...static_ } = svc.spec.selector;
      expect(role).toBe('master');
      for (const [k, v] of Object.entries(static_)) expect(podLabels[k]).toBe(v);
      expect(podLabels.role).toBeUndefined();
      // ...and Patroni labels its pods by exactly those labels (PATRONI_KUBERNETES_LABELS).
      expect(JSON.parse(envOf(sts).PATRONI_KUBERNETES_LABELS)).toEqual(static_);
      expect(sts.spec.selector.matchLabels).toEqual({ statefulset: 'hcap-patroni' });
      expect(podLabels.statefulset).toBe('hcap-patroni');
    });

    test('the DCS Role grants what the upstream Patroni template grants', () => {
      expect(find(r, 'Role', 'hcap-patroni').rules).toEqual([
        { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get', 'list', 'patch', 'update', 'watch', 'delete'] },
        { apiGroups: [''], resources: ['endpoints'], verbs: ['get', 'patch', 'update', 'create', 'list', 'watch', 'delete'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'patch', 'update', 'watch'] },
        { apiGroups: [''], resources: ['services'], verbs: ['create'] },
      ]);
      expect(PatroniDcsRbac.RULES.flatMap((x) => x.resources)).not.toContain('secrets');
    });

    test('the StatefulSet: replicas, required anti-affinity, Patroni and app env, readiness, claim template', () => {
      const sts = find(r, 'StatefulSet', 'hcap-patroni');
      expect(sts.spec.replicas).toBe(3);
      expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
      expect(sts.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
        {
          labelSelector: { matchExpressions: [{ key: 'statefulset', operator: 'In', values: ['hcap-patroni'] }] },
          topologyKey: 'kubernetes.io/hostname',
        },
      ]);
      const c = containerOf(sts);
      expect(c.image).toBe('image-registry.openshift-image-registry.svc:5000/bcgov/patroni-postgres:2.0.1-12.4-latest');
      expect(c.imagePullPolicy).toBe('Always');
      expect(envOf(sts)).toEqual({
        PATRONI_KUBERNETES_LABELS: '{"cluster-name":"hcap-patroni","app.kubernetes.io/name":"patroni"}',
        APP_DATABASE: 'hcap',
        PATRONI_SCOPE: 'hcap-patroni',
        PATRONI_LOG_LEVEL: 'WARNING',
        PATRONI_POSTGRESQL_DATA_DIR: '/home/postgres/pgdata/pgroot/data',
        PATRONI_POSTGRESQL_PGPASS: '/tmp/pgpass',
        PATRONI_POSTGRESQL_LISTEN: '0.0.0.0:5432',
        PATRONI_RESTAPI_LISTEN: '0.0.0.0:8008',
      });
      const secretKey = (n: string) => envVar(sts, n)!.valueFrom.secretKeyRef;
      expect(secretKey('PATRONI_SUPERUSER_PASSWORD')).toEqual({ name: 'hcap-patroni', key: 'superuser-password' });
      expect(secretKey('PATRONI_REPLICATION_USERNAME')).toEqual({ name: 'hcap-patroni', key: 'replication-username' });
      expect(secretKey('APP_USER')).toEqual({ name: 'hcap-patroni', key: 'db-username' });
      expect(secretKey('APP_PASSWORD')).toEqual({ name: 'hcap-patroni', key: 'db-password' });
      expect(envVar(sts, 'POD_IP')!.valueFrom.fieldRef.fieldPath).toBe('status.podIP');
      expect(envVar(sts, 'PATRONI_NAME')!.valueFrom.fieldRef.fieldPath).toBe('metadata.name');
      expect(c.readinessProbe).toEqual({
        exec: { command: ['/usr/share/scripts/patroni/health_check.sh'] },
        initialDelaySeconds: 5,
        timeoutSeconds: 5,
        failureThreshold: 4,
      });
      expect(c.volumeMounts).toEqual([{ name: 'postgresql', mountPath: '/home/postgres/pgdata' }]);
      expect(sts.spec.volumeClaimTemplates).toEqual([
        {
          metadata: { name: 'postgresql', labels: { 'pgfleet.io/generation': 'hcap-patroni' } },
          spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'netapp-block-standard', resources: { requests: { storage: '5Gi' } } },
        },
      ]);
      expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } });
    });

    test('on OpenShift the restricted SCC picks the uids; elsewhere the image users are explicit', () => {
      const os = find(r, 'StatefulSet', 'hcap-patroni').spec.template.spec.securityContext;
      expect(os).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      const k = render(hcap({ platform: 'kubernetes' }));
      expect(find(k, 'StatefulSet', 'hcap-patroni').spec.template.spec.securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 999,
        runAsGroup: 999,
        fsGroup: 999,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      const backupPod = find(k, 'CronJob', 'hcap-patroni-backup-hcap').spec.jobTemplate.spec.template.spec;
      expect(backupPod.securityContext).toMatchObject({ runAsUser: 26, fsGroup: 26 });
      expect(backupPod.automountServiceAccountToken).toBe(false);
      expect(containerOf(find(k, 'CronJob', 'hcap-patroni-backup-hcap')).securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
      });
    });

    test('a PodDisruptionBudget lets one member go at a time', () => {
      expect(find(r, 'PodDisruptionBudget', 'hcap-patroni').spec).toEqual({
        maxUnavailable: 1,
        selector: { matchLabels: { statefulset: 'hcap-patroni' } },
      });
    });

    test('consumers get the leader Service host and the application user from the credentials Secret', () => {
      const es = find(r, 'ExternalSecret', 'hcap-server-database-url');
      expect(es.spec.target.template.data.DATABASE_URL).toBe(
        'postgresql://{{ .user | urlquery | replace "+" "%20" }}:{{ .password | urlquery | replace "+" "%20" }}@hcap-patroni.hcap-prod.svc:5432/hcap?sslmode=disable',
      );
      expect(es.spec.data).toEqual([
        { secretKey: 'password', remoteRef: { key: 'hcap-patroni', property: 'db-password' } },
        { secretKey: 'user', remoteRef: { key: 'hcap-patroni', property: 'db-username' } },
      ]);
    });
  });

  describe('backups with the backup-container', () => {
    const prod = render(stackConfig('hcap-prod'), { stack: 'hcap-prod' });
    const dev = render(stackConfig('hcap-dev'), { stack: 'hcap-dev' });

    test('one CronJob per database at 02:00 Pacific with an explicit time zone, Forbid and a deadline', () => {
      const cj = find(prod, 'CronJob', 'hcap-patroni-backup-hcap');
      expect(cj.spec).toMatchObject({
        schedule: '0 2 * * *',
        timeZone: 'America/Vancouver',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        suspend: false,
        jobTemplate: { spec: { backoffLimit: 0, activeDeadlineSeconds: 1600 } },
      });
      expect(envOf(cj).TZ).toBe('America/Vancouver');
      expect(containerOf(cj).command).toEqual(['/bin/bash', '-c', BACKUP_SCRIPT]);
      expect(BACKUP_SCRIPT).toContain('"${BACKUP_SH:-/backup.sh}" -1');
      expect(
        all(prod, 'CronJob')
          .map((c) => c.metadata.name)
          .sort(),
      ).toEqual(['hcap-patroni-backup-hcap', 'hcap-patroni-backup-verify']);
    });

    test('retention per environment: prod 5/1/1, dev 3/1/0 (rolling)', () => {
      const pick = (e: Record<string, string>) => ({
        BACKUP_STRATEGY: e.BACKUP_STRATEGY,
        DAILY_BACKUPS: e.DAILY_BACKUPS,
        WEEKLY_BACKUPS: e.WEEKLY_BACKUPS,
        MONTHLY_BACKUPS: e.MONTHLY_BACKUPS,
        NUM_BACKUPS: e.NUM_BACKUPS,
      });
      expect(pick(envOf(find(prod, 'CronJob', 'hcap-patroni-backup-hcap')))).toEqual({
        BACKUP_STRATEGY: 'rolling',
        DAILY_BACKUPS: '5',
        WEEKLY_BACKUPS: '1',
        MONTHLY_BACKUPS: '1',
        NUM_BACKUPS: undefined,
      });
      expect(pick(envOf(find(dev, 'CronJob', 'hcap-patroni-backup-hcap')))).toEqual({
        BACKUP_STRATEGY: 'rolling',
        DAILY_BACKUPS: '3',
        WEEKLY_BACKUPS: '1',
        MONTHLY_BACKUPS: '0',
        NUM_BACKUPS: undefined,
      });
      const daily = render(hcap({}, { strategy: 'daily', retention: { total: 14 } }));
      expect(pick(envOf(find(daily, 'CronJob', 'hcap-patroni-backup-hcap')))).toEqual({
        BACKUP_STRATEGY: 'daily',
        NUM_BACKUPS: '14',
        DAILY_BACKUPS: undefined,
        WEEKLY_BACKUPS: undefined,
        MONTHLY_BACKUPS: undefined,
      });
      // The daily strategy prunes everything under its root: the root is /backups/daily/, so the
      // safety dumps (/backups/pre-restore-<id>/, /backups/upgrade-<generation>/) stay out of it.
      expect(envOf(find(daily, 'CronJob', 'hcap-patroni-backup-hcap')).BACKUP_DIR).toBe('/backups/daily/');
      expect(envOf(find(prod, 'CronJob', 'hcap-patroni-backup-hcap')).BACKUP_DIR).toBe('/backups/');
      const defaults = render(hcap({}, { retention: {} }));
      expect(envOf(find(defaults, 'CronJob', 'hcap-patroni-backup-hcap'))).toMatchObject({
        DAILY_BACKUPS: '6',
        WEEKLY_BACKUPS: '4',
        MONTHLY_BACKUPS: '1',
      });
    });

    test('the backup pod dumps the leader Service as the superuser, from a backup.conf of its own database', () => {
      const cj = find(prod, 'CronJob', 'hcap-patroni-backup-hcap');
      const pod = cj.spec.jobTemplate.spec.template.spec;
      expect(find(prod, 'ConfigMap', 'hcap-patroni-backup').data['hcap.conf']).toBe('postgres=hcap-patroni:5432/hcap\n');
      expect(pod.volumes).toContainEqual({
        name: 'config',
        configMap: { name: 'hcap-patroni-backup', items: [{ key: 'hcap.conf', path: 'backup.conf' }] },
      });
      expect(pod.volumes).toContainEqual({ name: 'backup', persistentVolumeClaim: { claimName: 'hcap-patroni-backup' } });
      expect(envOf(cj)).toMatchObject({
        BACKUP_CONF: '/etc/pgfleet/backup.conf',
        BACKUP_DIR: '/backups/',
        DUMP_PREFIX: 'hcap-patroni-hcap',
      });
      expect(envVar(cj, 'DATABASE_USER')!.valueFrom.secretKeyRef).toEqual({ name: 'hcap-patroni', key: 'superuser-username' });
      expect(envVar(cj, 'DATABASE_PASSWORD')!.valueFrom.secretKeyRef).toEqual({ name: 'hcap-patroni', key: 'superuser-password' });
      expect(containerOf(cj).workingDir).toBe('/');
    });

    test('a backup volume and a verification volume per generation', () => {
      expect(find(prod, 'PersistentVolumeClaim', 'hcap-patroni-backup').spec).toEqual({
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'netapp-file-backup',
        resources: { requests: { storage: '5Gi' } },
      });
      expect(find(prod, 'PersistentVolumeClaim', 'hcap-patroni-backup-verify').spec).toEqual({
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'netapp-file-standard',
        resources: { requests: { storage: '1Gi' } },
      });
      expect(prod.state.databases.hcap.generations['hcap-patroni'].archives).toEqual([
        { kind: 'pvc', url: 'pvc://hcap-prod/hcap-patroni-backup/' },
      ]);
    });

    test('a verification CronJob restores each newest dump on its own schedule', () => {
      const prodVerify = find(prod, 'CronJob', 'hcap-patroni-backup-verify');
      expect(prodVerify.spec).toMatchObject({
        schedule: '0 4 * * *',
        timeZone: 'America/Vancouver',
        concurrencyPolicy: 'Forbid',
        jobTemplate: { spec: { activeDeadlineSeconds: 3600 } },
      });
      expect(find(dev, 'CronJob', 'hcap-patroni-backup-verify').spec.schedule).toBe('0 5 * * *');
      expect(containerOf(prodVerify).command).toEqual(['/bin/bash', '-c', VERIFY_SCRIPT]);
      // One call per database with the file pgfleet prepared; no -I (2.3.3 has none, and it would replay past errors).
      expect(VERIFY_SCRIPT).toContain('"${BACKUP_SH:-/backup.sh}" -s -v "$spec" -f "$file"');
      expect(VERIFY_SCRIPT).not.toMatch(/backup\.sh\}?"? [^\n]*-I/);
      // Exactly what the script and backup.sh -v read: no retention, no time zone.
      expect(containerOf(prodVerify).env.map((e: any) => e.name)).toEqual([
        'BACKUP_DIR',
        'BACKUP_CONF',
        'DATABASE_USER',
        'DATABASE_PASSWORD',
        'DATABASE_SPECS',
        'MAX_AGE_MINUTES',
      ]);
      expect(envOf(prodVerify)).toEqual({
        BACKUP_DIR: '/backups/',
        BACKUP_CONF: '/etc/pgfleet/backup.conf',
        DATABASE_SPECS: 'postgres=hcap-patroni:5432/hcap',
        MAX_AGE_MINUTES: '2880',
      });
      // backup.sh runs "-s" only when its config has a cron line.
      expect(find(prod, 'ConfigMap', 'hcap-patroni-backup').data['verify.conf']).toBe(
        'postgres=hcap-patroni:5432/hcap\n0 4 * * * default ./backup.sh -s -v all\n',
      );
      const pod = prodVerify.spec.jobTemplate.spec.template.spec;
      expect(pod.volumes).toContainEqual({ name: 'verification', persistentVolumeClaim: { claimName: 'hcap-patroni-backup-verify' } });
      expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'verification', mountPath: '/var/lib/pgsql/data' });
      expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
      // The scratch server owns the restored database as the application user.
      expect(envVar(prodVerify, 'DATABASE_USER')!.valueFrom.secretKeyRef.key).toBe('db-username');
    });

    test('several databases: one backup CronJob each, one verification for all', () => {
      const r = render(hcap({}, { databases: ['hcap', 'audit_log'] }));
      expect(
        all(r, 'CronJob')
          .map((c) => c.metadata.name)
          .sort(),
      ).toEqual(['hcap-patroni-backup-audit-log', 'hcap-patroni-backup-hcap', 'hcap-patroni-backup-verify']);
      expect(envOf(find(r, 'CronJob', 'hcap-patroni-backup-audit-log')).DUMP_PREFIX).toBe('hcap-patroni-audit_log');
      expect(find(r, 'ConfigMap', 'hcap-patroni-backup').data['audit_log.conf']).toBe('postgres=hcap-patroni:5432/audit_log\n');
      expect(envOf(find(r, 'CronJob', 'hcap-patroni-backup-verify')).DATABASE_SPECS).toBe(
        'postgres=hcap-patroni:5432/hcap postgres=hcap-patroni:5432/audit_log',
      );
    });

    test("a one-off backup from an id is a Job with the CronJob's own pod template", () => {
      const r = render(hcap({}, { onDemand: { id: '20261120-a' } }));
      const job = find(r, 'Job', 'hcap-patroni-backup-hcap-20261120-a');
      const cj = find(r, 'CronJob', 'hcap-patroni-backup-hcap');
      expect(job.spec.template).toEqual(cj.spec.jobTemplate.spec.template);
      expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 1600 });
      // Nothing else changes: the one-off is one more object.
      const without = filesOf(render(hcap()));
      const withJob = filesOf(r);
      expect(Object.keys(withJob).filter((f) => !(f in without))).toEqual(['job-hcap-patroni-backup-hcap-20261120-a.yaml']);
      for (const f of Object.keys(without).filter((x) => x !== 'kustomization.yaml')) expect(withJob[f]).toBe(without[f]);
    });

    test('an S3 copy (backup-container 2.7.0 and later): endpoint and bucket in env, the keys from a Secret', () => {
      const r = render(
        hcap(
          {},
          {
            image: 'docker.io/bcgovimages/backup-container:2.13.0',
            s3: {
              endpoint: 'https://s3.ca-central-1.amazonaws.com',
              bucket: 'hcap-backups',
              credentials: { existingSecret: { name: 'hcap-s3' } },
            },
          },
        ),
      );
      const cj = find(r, 'CronJob', 'hcap-patroni-backup-hcap');
      expect(envOf(cj)).toMatchObject({ S3_ENDPOINT: 'https://s3.ca-central-1.amazonaws.com', S3_BUCKET: 'hcap-backups' });
      expect(envVar(cj, 'S3_USER')!.valueFrom.secretKeyRef).toEqual({ name: 'hcap-s3', key: 'access_key' });
      expect(envVar(cj, 'S3_PASSWORD')!.valueFrom.secretKeyRef).toEqual({ name: 'hcap-s3', key: 'secret_key' });
      expect(envOf(cj).S3_PRUNE_BACKUPS).toBeUndefined();
      // The verification and the restore never upload.
      expect(envOf(find(r, 'CronJob', 'hcap-patroni-backup-verify')).S3_ENDPOINT).toBeUndefined();
    });
  });

  describe('network', () => {
    const r = render(stackConfig('hcap-prod'), { stack: 'hcap-prod' });

    test("the backup policy lets only the database's backup pods reach PostgreSQL", () => {
      const np = find(r, 'NetworkPolicy', 'hcap-patroni-backup');
      expect(np.spec).toEqual({
        podSelector: { matchLabels: { statefulset: 'hcap-patroni' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { 'pgfleet.io/backup': 'hcap' } } }], ports: [{ port: 5432, protocol: 'TCP' }] }],
      });
      for (const cj of all(r, 'CronJob')) expect(cj.spec.jobTemplate.spec.template.metadata.labels['pgfleet.io/backup']).toBe('hcap');
      // No other pod of the stack carries the label.
      expect(find(r, 'StatefulSet', 'hcap-patroni').spec.template.metadata.labels['pgfleet.io/backup']).toBeUndefined();
    });

    test('the member policy admits the members (replication, REST API) and the declared clients on 5432 only', () => {
      expect(find(r, 'NetworkPolicy', 'hcap-patroni').spec).toEqual({
        podSelector: { matchLabels: { statefulset: 'hcap-patroni' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { statefulset: 'hcap-patroni' } } }],
            ports: [
              { port: 5432, protocol: 'TCP' },
              { port: 8008, protocol: 'TCP' },
            ],
          },
          { from: [{ podSelector: { matchLabels: { name: 'hcap-server' } } }], ports: [{ port: 5432, protocol: 'TCP' }] },
        ],
      });
    });
  });

  describe('credentials from Vault', () => {
    test('the shared Vault/External Secrets construct fills <database>-credentials, which every pod reads', () => {
      const r = render({
        ...hcap({ credentials: { vault: { path: '/kv/hcap/patroni', role: 'hcap-patroni' } } }),
        'pgfleet:vault': { server: 'https://vault.example:8200' },
      });
      expect(find(r, 'VaultDynamicSecret', 'hcap-credentials').spec.path).toBe('/kv/hcap/patroni');
      expect(find(r, 'ExternalSecret', 'hcap-credentials').spec.target.name).toBe('hcap-credentials');
      expect(envVar(find(r, 'StatefulSet', 'hcap-patroni'), 'PATRONI_SUPERUSER_PASSWORD')!.valueFrom.secretKeyRef).toEqual({
        name: 'hcap-credentials',
        key: 'superuser-password',
      });
      expect(envVar(find(r, 'CronJob', 'hcap-patroni-backup-hcap'), 'DATABASE_PASSWORD')!.valueFrom.secretKeyRef.name).toBe(
        'hcap-credentials',
      );
      expect(find(r, 'ExternalSecret', 'hcap-server-database-url').spec.data[0].remoteRef.key).toBe('hcap-credentials');
    });
  });
});
