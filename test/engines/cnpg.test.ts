import { all, filesOf, find, render, renderAfter, issuesOf } from '../helpers';
import { forgejo, restored } from './cnpg-stack';

describe('CloudNativePG engine', () => {
  describe('a live database (Indigo forgejo)', () => {
    const r = render(forgejo());

    test('renders the expected objects', () => {
      expect(filesOf(r)).toMatchSnapshot();
      expect(r.objects.map((o) => o.file).sort()).toEqual([
        'cluster-forgejo-db.yaml',
        'externalsecret-forgejo-backup-creds.yaml',
        'externalsecret-forgejo-database-url.yaml',
        'objectstore-forgejo-backups.yaml',
        'role-forgejo-connections.yaml',
        'rolebinding-forgejo-connections.yaml',
        'scheduledbackup-forgejo-db.yaml',
        'secretstore-forgejo-connections.yaml',
        'serviceaccount-forgejo-backup-creds.yaml',
        'serviceaccount-forgejo-connections.yaml',
        'vaultdynamicsecret-forgejo-backup-creds.yaml',
      ]);
    });

    test('the cluster runs the catalog major and archives through the plugin to its own serverName', () => {
      const c = find(r, 'Cluster', 'forgejo-db');
      expect(c.metadata.namespace).toBe('forgejo');
      expect(c.spec.imageCatalogRef).toEqual({
        apiGroup: 'postgresql.cnpg.io',
        kind: 'ClusterImageCatalog',
        name: 'postgresql',
        major: 18,
      });
      expect(c.spec.storage).toEqual({ size: '50Gi', storageClass: 'cluster-nobackup' });
      expect(c.spec.postgresql.parameters).toEqual({ archive_timeout: '30min' });
      expect(c.spec.plugins).toEqual([
        {
          name: 'barman-cloud.cloudnative-pg.io',
          isWALArchiver: true,
          parameters: { barmanObjectName: 'forgejo-backups', serverName: 'forgejo-db-pg18' },
        },
      ]);
      expect(c.spec.bootstrap).toEqual({ initdb: { database: 'app', owner: 'app' } });
      expect(c.spec.backup).toBeUndefined();
      expect(r.state.databases.forgejo.generations['forgejo-db'].archives).toEqual([
        { kind: 's3', url: 's3://dal-site-backups/indigo/forgejo/postgres/forgejo-db-pg18/' },
      ]);
    });

    test('the object store holds the prefix, credentials, compression, tags and retention', () => {
      const s = find(r, 'ObjectStore', 'forgejo-backups');
      expect(s.spec.retentionPolicy).toBe('10d');
      expect(s.spec.configuration).toEqual({
        destinationPath: 's3://dal-site-backups/indigo/forgejo/postgres/',
        s3Credentials: {
          accessKeyId: { name: 'forgejo-backup-creds', key: 'access_key' },
          secretAccessKey: { name: 'forgejo-backup-creds', key: 'secret_key' },
        },
        wal: { compression: 'gzip' },
        data: { compression: 'gzip' },
        tags: { site: 'indigo', service: 'forgejo' },
      });
    });

    test('a daily base backup through the plugin, taken at once on a new archive', () => {
      expect(find(r, 'ScheduledBackup', 'forgejo-db').spec).toEqual({
        cluster: { name: 'forgejo-db' },
        schedule: '0 0 0 * * *',
        immediate: true,
        backupOwnerReference: 'self',
        method: 'plugin',
        pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
      });
    });

    test('S3 credentials come from Vault through External Secrets', () => {
      const gen = find(r, 'VaultDynamicSecret', 'forgejo-backup-creds');
      expect(gen.spec).toEqual({
        path: '/aws/creds/forgejo-db-backup',
        method: 'GET',
        resultType: 'Data',
        provider: {
          server: 'https://vault.example:8200',
          auth: {
            kubernetes: { mountPath: 'kubernetes-indigo', role: 'forgejo-db-backup', serviceAccountRef: { name: 'forgejo-backup-creds' } },
          },
        },
      });
      const es = find(r, 'ExternalSecret', 'forgejo-backup-creds');
      expect(es.spec.refreshInterval).toBe('12h');
      expect(es.spec.dataFrom).toEqual([
        {
          sourceRef: {
            generatorRef: {
              apiVersion: 'generators.external-secrets.io/v1alpha1',
              kind: 'VaultDynamicSecret',
              name: 'forgejo-backup-creds',
            },
          },
        },
      ]);
      expect(es.spec.target.template.metadata.labels).toEqual({ 'cnpg.io/reload': 'true' });
      find(r, 'ServiceAccount', 'forgejo-backup-creds');
    });

    test("the consumer reads DATABASE_URL from the serving cluster's app secret, through a store limited to it", () => {
      const es = find(r, 'ExternalSecret', 'forgejo-database-url');
      expect(es.spec.data).toEqual([{ secretKey: 'uri', remoteRef: { key: 'forgejo-db-app', property: 'uri' } }]);
      // CloudNativePG always serves TLS (its own CA); its uri says nothing about it.
      expect(es.spec.target.template).toEqual({ engineVersion: 'v2', data: { DATABASE_URL: '{{ .uri }}?sslmode=require' } });
      expect(es.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'forgejo-connections' });
      expect(find(r, 'Role', 'forgejo-connections').rules[0]).toEqual({
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: ['forgejo-db-app'],
        verbs: ['get', 'list', 'watch'],
      });
    });

    test('only the cluster is data-bearing', () => {
      expect(r.objects.filter((o) => o.dataBearing).map((o) => o.file)).toEqual(['cluster-forgejo-db.yaml']);
    });

    test('is deterministic', () => {
      expect(filesOf(render(forgejo()))).toEqual(filesOf(r));
    });
  });

  describe('nothing lost between synths', () => {
    test('fails when a live generation disappears without being retired', () => {
      const i = issuesOf(() => renderAfter(forgejo(), forgejo({ generations: [{ name: 'forgejo-db2' }] })));
      expect(i[0]).toMatchObject({ path: 'pgfleet:databases[0].generations', value: 'forgejo-db' });
      expect(i[0].fix).toContain('list it under pgfleet:databases[0].retired');
    });

    test('fails when a database disappears', () => {
      const other = {
        ...forgejo(),
        'pgfleet:databases': [
          { ...(forgejo()['pgfleet:databases'][0] as object), name: 'gitea', generations: [{ name: 'gitea-db' }], consumers: [] },
        ],
      };
      const i = issuesOf(() => renderAfter(forgejo(), other));
      expect(i[0].fix).toContain('add database forgejo back');
    });

    test('fails for a shrinking volume', () => {
      const i = issuesOf(() => renderAfter(forgejo(), forgejo({ storage: { size: '40Gi', storageClass: 'cluster-nobackup' } })));
      expect(i[0]).toMatchObject({ path: 'pgfleet:databases[0].storage.size', value: '40Gi' });
      expect(i[0].allowed).toContain('50Gi or more');
    });

    test('allows a growing volume', () => {
      expect(
        find(renderAfter(forgejo(), forgejo({ storage: { size: '80Gi', storageClass: 'cluster-nobackup' } })), 'Cluster', 'forgejo-db').spec
          .storage.size,
      ).toBe('80Gi');
    });

    test('fails when the namespace of a live generation changes', () => {
      const moved = { ...forgejo(), 'pgfleet:namespace': 'forgejo2' };
      const i = issuesOf(() => renderAfter(forgejo(), moved));
      expect(i[0]).toMatchObject({ path: 'pgfleet:namespace', value: 'forgejo2' });
      expect(i[0].allowed).toContain('forgejo: generation forgejo-db lives in namespace forgejo');
      expect(i[0].fix).toContain('set pgfleet:databases[0].namespace: forgejo');
    });

    test('fails for a database entry that was renamed', () => {
      const i = issuesOf(() => renderAfter(forgejo(), forgejo({ name: 'git' })));
      expect(i.map((x) => x.path)).toEqual(['pgfleet:databases[0].name']);
      expect(i[0].fix).toContain('rename it back to forgejo');
    });

    test('fails for an acknowledgement that names no gated class or no generation', () => {
      const i = issuesOf(() =>
        render(
          forgejo({
            acknowledge: ['irreversable:forgejo-db', 'destroys-data:forgejo-dbb', 'destroys-data:forgejo', 'irreversible:forgejo-db'],
          }),
        ),
      );
      expect(i.map((x) => [x.path, x.value])).toEqual([
        ['pgfleet:databases[0].acknowledge[0]', 'irreversable:forgejo-db'],
        ['pgfleet:databases[0].acknowledge[1]', 'destroys-data:forgejo-dbb'],
      ]);
      expect(i[0].allowed).toBe('destroys-data:<name> or irreversible:<name>, where <name> is forgejo, forgejo-db');
    });

    test('fails to reuse a retired generation name', () => {
      const two = { generations: [{ name: 'forgejo-db' }, { name: 'forgejo-db-r1' }], serving: 'forgejo-db-r1' };
      const retired = renderAfter(forgejo(two), forgejo({ ...two, retired: ['forgejo-db'] }));
      const i = issuesOf(() => render(forgejo(two), { previous: retired.state }));
      expect(i[0]).toMatchObject({ path: 'pgfleet:databases[0].generations[0].name', value: 'forgejo-db' });
    });
  });

  describe('backup options', () => {
    test('on-demand backup of the serving cluster', () => {
      const r = render(forgejo({}, { onDemand: { id: 'pre-upgrade' } }));
      expect(find(r, 'Backup', 'forgejo-db-pre-upgrade').spec).toEqual({
        cluster: { name: 'forgejo-db' },
        method: 'plugin',
        pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
      });
    });

    test('in-tree barmanObjectStore for operators below 1.26', () => {
      const r = render(
        restored(
          { targetTime: '2026-11-20T08:00:00Z' },
          { backup: { ...(forgejo()['pgfleet:databases'][0] as { backup: object }).backup, method: 'barmanObjectStore' } },
        ),
      );
      expect(all(r, 'ObjectStore')).toEqual([]);
      const live = find(r, 'Cluster', 'forgejo-db');
      expect(live.spec.plugins).toBeUndefined();
      expect(live.spec.backup.retentionPolicy).toBe('10d');
      expect(live.spec.backup.barmanObjectStore).toMatchObject({
        destinationPath: 's3://dal-site-backups/indigo/forgejo/postgres/',
        serverName: 'forgejo-db-pg18',
      });
      const r1 = find(r, 'Cluster', 'forgejo-db-r1');
      expect(r1.spec.externalClusters[0].barmanObjectStore).toMatchObject({
        serverName: 'forgejo-db-pg18',
        wal: { compression: 'gzip', maxParallel: 8 },
      });
      expect(r1.spec.backup.barmanObjectStore.serverName).toBe('forgejo-db-r1-pg18');
      expect(find(r, 'ScheduledBackup', 'forgejo-db').spec.method).toBe('barmanObjectStore');
    });

    test('an existing secret instead of Vault renders no Vault objects', () => {
      const r = render(
        forgejo(
          {},
          {
            credentials: {
              existingSecret: { name: 'aws-creds', accessKeyIdKey: 'AWS_ACCESS_KEY_ID', secretAccessKeyKey: 'AWS_SECRET_ACCESS_KEY' },
            },
          },
        ),
      );
      expect(all(r, 'VaultDynamicSecret')).toEqual([]);
      expect(find(r, 'ObjectStore', 'forgejo-backups').spec.configuration.s3Credentials.accessKeyId).toEqual({
        name: 'aws-creds',
        key: 'AWS_ACCESS_KEY_ID',
      });
    });
  });
});
