/**
 * Engine migration: a generation on another engine than its database's, copied from a live one.
 * The rendered import (CloudNativePG `bootstrap.initdb.import` + `externalClusters`), the
 * credentials it reads (the source engine's own Secret), the NetworkPolicy that admits it, the
 * consumers' wiring across engines and the state it records.
 */
import { find, filesOf, render, renderAfter } from '../helpers';
import { LIVE as SPILO_LIVE, ciip } from './spilo-stack';
import {
  cnpgBlock,
  crunchyBlock,
  patroniToCnpg,
  patroniToCrunchy,
  patroniToStandalone,
  spiloToCnpg,
  standaloneToCnpg,
  TARGET,
} from './migration-stack';
import { MIGRATION_DUMP_SCRIPT } from '../../lib/constructs/migration-dump-script';

describe('engine migration: Spilo to CloudNativePG', () => {
  const r = render(spiloToCnpg());

  test('the new cluster imports the live generation with CloudNativePG’s own import, leaving Spilo’s own objects out', () => {
    const spec = find(r, 'Cluster', TARGET).spec;
    expect(spec.bootstrap).toEqual({
      initdb: {
        database: 'ciip_portal',
        owner: 'ciip_portal',
        import: {
          type: 'microservice',
          databases: ['ciip_portal'],
          source: { externalCluster: SPILO_LIVE },
          pgDumpExtraOptions: [
            '--exclude-schema=metric_helpers',
            '--exclude-schema=user_management',
            '--exclude-extension=pg_stat_kcache',
            '--exclude-extension=set_user',
          ],
        },
      },
    });
    expect(spec.imageCatalogRef.major).toBe(17);
    expect(spec.instances).toBe(2);
  });

  test('it reads the source as Spilo’s superuser, with the password from the chart’s Secret, over TLS', () => {
    expect(find(r, 'Cluster', TARGET).spec.externalClusters).toEqual([
      {
        name: SPILO_LIVE,
        connectionParameters: {
          host: `${SPILO_LIVE}.wksv3k-prod.svc`,
          port: '5432',
          user: 'postgres',
          dbname: 'postgres',
          sslmode: 'require',
        },
        password: { name: SPILO_LIVE, key: 'password-superuser' },
      },
    ]);
  });

  test('a NetworkPolicy of its own admits the importing pods to the source; the source’s policy and values are untouched', () => {
    expect(find(r, 'NetworkPolicy', `${TARGET}-import`).spec).toEqual({
      podSelector: { matchLabels: { app: SPILO_LIVE, release: SPILO_LIVE } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': TARGET } } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
    });
    const before = filesOf(render(ciip()));
    const after = filesOf(r);
    for (const f of [`helmrelease-${SPILO_LIVE}.values.yaml`, `networkpolicy-${SPILO_LIVE}-ingress.yaml`]) expect(after[f]).toBe(before[f]);
    // The import is created after the policy that lets it through.
    expect(r.objects.find((o) => o.file === `cluster-${TARGET}.yaml`)!.dependsOn).toEqual([`networkpolicy-${TARGET}-import.yaml`]);
  });

  test('the new generation archives to its own folder and has the cnpg objects of its database', () => {
    const plugin = find(r, 'Cluster', TARGET).spec.plugins[0];
    expect(plugin.parameters).toEqual({ barmanObjectName: 'ciip-portal-backups', serverName: `${TARGET}-pg17` });
    expect(find(r, 'ObjectStore', 'ciip-portal-backups').spec.configuration.destinationPath).toBe('s3://wksv3k-prod-ciip-backups/cnpg/');
    expect(find(r, 'ScheduledBackup', TARGET).spec.immediate).toBe(true);
  });

  test('the state records the generation’s engine and how it started; the live generation’s record is unchanged', () => {
    const db = r.state.databases['ciip-portal'];
    expect(db.engine).toBe('spilo');
    expect(db.generations[TARGET]).toEqual({
      engine: 'cnpg',
      postgresVersion: 17,
      volumes: { data: '10Gi' },
      bootstrap: { kind: 'migrate', source: SPILO_LIVE, method: 'import' },
      archives: [{ kind: 's3', url: `s3://wksv3k-prod-ciip-backups/cnpg/${TARGET}-pg17/` }],
      // CloudNativePG's own archive_timeout (5min) and the block's retention (30d).
      recovery: { method: 'wal', rpoSeconds: 300, windowSeconds: 30 * 86_400 },
    });
    expect(db.generations[SPILO_LIVE]).toEqual(render(ciip()).state.databases['ciip-portal'].generations[SPILO_LIVE]);
  });

  test('consumers keep the live generation until serving moves; then they read CloudNativePG’s app Secret', () => {
    const serving = (x: typeof r) => find(x, 'ExternalSecret', 'cas-ciip-portal-database-url').spec.data;
    expect(serving(r)[0].remoteRef.key).toBe(SPILO_LIVE);
    expect(find(r, 'Role', 'ciip-portal-connections').rules[0].resourceNames).toEqual([`${TARGET}-app`, SPILO_LIVE]);
    const cut = renderAfter(spiloToCnpg(), spiloToCnpg({}, { serving: TARGET, acknowledge: [] }));
    expect(serving(cut)).toEqual([{ secretKey: 'uri', remoteRef: { key: `${TARGET}-app`, property: 'uri' } }]);
    // CloudNativePG's URI with the TLS setting its servers require added.
    expect(find(cut, 'ExternalSecret', 'cas-ciip-portal-database-url').spec.target.template.data).toEqual({
      DATABASE_URL: '{{ .uri }}?sslmode=require',
    });
  });

  test('removing migrateFrom once imported drops the policy and leaves a plain initdb', () => {
    const done = renderAfter(spiloToCnpg(), spiloToCnpg({}, { acknowledge: [] }, { migrateFrom: undefined }));
    expect(done.objects.some((o) => o.manifest.kind === 'NetworkPolicy' && o.manifest.metadata.name === `${TARGET}-import`)).toBe(false);
    expect(find(done, 'Cluster', TARGET).spec.bootstrap).toEqual({ initdb: { database: 'ciip_portal', owner: 'ciip_portal' } });
  });

  test('a monolith import copies the listed roles and databases as they are', () => {
    const m = render(
      spiloToCnpg({ type: 'monolith', databases: ['ciip_portal', 'metabase'], roles: ['ciip_administrator', 'ciip_analyst'] }),
    );
    expect(find(m, 'Cluster', TARGET).spec.bootstrap.initdb.import).toMatchObject({
      type: 'monolith',
      databases: ['ciip_portal', 'metabase'],
      roles: ['ciip_administrator', 'ciip_analyst'],
    });
  });

  test('with the extensions listed, only those are carried (pg_dump --extension, PostgreSQL 14+), on a major below 17 too', () => {
    const listed = render(spiloToCnpg({ extensions: ['pg_stat_statements', 'pgcrypto'] }, {}, { postgresVersion: 15 }));
    expect(find(listed, 'Cluster', TARGET).spec.bootstrap.initdb.import.pgDumpExtraOptions).toEqual([
      '--exclude-schema=metric_helpers',
      '--exclude-schema=user_management',
      '--extension=pg_stat_statements',
      '--extension=pgcrypto',
    ]);
  });
});

describe('engine migration: Patroni and standalone to CloudNativePG', () => {
  test('Patroni: the leader Service, the superuser password from the credentials Secret, a policy for the members', () => {
    const r = render(patroniToCnpg());
    const spec = find(r, 'Cluster', 'hcap-cnpg').spec;
    expect(spec.externalClusters[0]).toEqual({
      name: 'hcap-patroni',
      connectionParameters: { host: 'hcap-patroni.hcap-prod.svc', port: '5432', user: 'postgres', dbname: 'postgres', sslmode: 'prefer' },
      password: { name: 'hcap-patroni', key: 'superuser-password' },
    });
    expect(spec.bootstrap.initdb.import.databases).toEqual(['hcap']);
    expect(spec.bootstrap.initdb.import.pgDumpExtraOptions).toBeUndefined();
    expect(find(r, 'NetworkPolicy', 'hcap-cnpg-import').spec.podSelector).toEqual({ matchLabels: { statefulset: 'hcap-patroni' } });
  });

  test('Patroni: another superuser name is given with sourceUser', () => {
    const spec = find(render(patroniToCnpg({ sourceUser: 'hcap_admin' })), 'Cluster', 'hcap-cnpg').spec;
    expect(spec.externalClusters[0].connectionParameters.user).toBe('hcap_admin');
  });

  test('standalone: the generation’s own headless Service and the superuser Secret; a monolith import of two databases', () => {
    const r = render(standaloneToCnpg());
    const spec = find(r, 'Cluster', 'postgres-cnpg').spec;
    expect(spec.externalClusters[0]).toEqual({
      name: 'postgres',
      connectionParameters: {
        host: 'postgres-headless.databases.svc',
        port: '5432',
        user: 'postgres',
        dbname: 'postgres',
        sslmode: 'prefer',
      },
      password: { name: 'postgres-env', key: 'POSTGRES_PASSWORD' },
    });
    expect(spec.bootstrap.initdb.import).toMatchObject({ type: 'monolith', databases: ['site', 'metricity'], roles: ['*'] });
    expect(find(r, 'NetworkPolicy', 'postgres-cnpg-import').spec.podSelector.matchLabels).toEqual({
      'pgfleet.io/database': 'postgres',
      'pgfleet.io/generation': 'postgres',
      'pgfleet.io/role': 'server',
    });
  });
});

describe('engine migration: Patroni to standalone, by the dump/restore Job', () => {
  const r = render(patroniToStandalone());
  const job = find(r, 'Job', 'hcap-standalone-migrate');
  const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

  test('the Job runs the migration script in the new major’s image, reading the source as its superuser', () => {
    const c = job.spec.template.spec.containers[0];
    expect([c.image, c.command, c.args]).toEqual(['docker.io/library/postgres:17', ['bash', '-c'], [MIGRATION_DUMP_SCRIPT]]);
    expect(env).toMatchObject({
      SOURCE_HOST: 'hcap-patroni.hcap-prod.svc',
      SOURCE_PORT: '5432',
      SOURCE_USER: 'postgres',
      SOURCE_PASSWORD: { secretKeyRef: { name: 'hcap-patroni', key: 'superuser-password' } },
      SOURCE_SSLMODE: 'prefer',
      PGHOST: 'hcap-standalone-headless',
      PGUSER: { secretKeyRef: { name: 'hcap-standalone-superuser', key: 'POSTGRES_USER' } },
      PGPASSWORD: { secretKeyRef: { name: 'hcap-standalone-superuser', key: 'POSTGRES_PASSWORD' } },
      DATABASES: 'hcap',
      ROLES: '*',
      DUMP_OPTIONS: '',
    });
    expect(job.spec.backoffLimit).toBe(0);
  });

  test('it runs after the new server, and both policies let its pod through', () => {
    const deps = r.objects.find((o) => o.manifest.kind === 'Job' && o.manifest.metadata.name === 'hcap-standalone-migrate')!.dependsOn;
    expect(deps).toContain('statefulset-hcap-standalone.yaml');
    const labels = job.spec.template.metadata.labels;
    expect(find(r, 'NetworkPolicy', 'hcap-standalone-import').spec.ingress[0].from[0].podSelector.matchLabels).toEqual(labels);
    const server = find(r, 'NetworkPolicy', 'hcap-server').spec.ingress[0].from[0].podSelector.matchLabels;
    expect(labels).toMatchObject(server);
    expect(r.state.databases.hcap.generations['hcap-standalone'].bootstrap).toEqual({
      kind: 'migrate',
      source: 'hcap-patroni',
      method: 'dump',
    });
  });

  test('a method the target has not is refused', () => {
    expect(() => render(patroniToStandalone({ method: 'import' }))).toThrow(
      'pgfleet:databases[0].generations[1].migrateFrom.method: found "import"',
    );
  });
});

describe('engine migration: Patroni to Crunchy, by the dump/restore Job', () => {
  const r = render(patroniToCrunchy());

  test('an empty PostgresCluster, then the Job writing it as postgres through its primary Service', () => {
    expect(find(r, 'PostgresCluster', 'hcap-crunchy').spec.dataSource).toBeUndefined();
    const job = find(r, 'Job', 'hcap-crunchy-migrate');
    const c = job.spec.template.spec.containers[0];
    expect(c.image).toBe('docker.io/library/postgres:17');
    expect(c.env.filter((e: any) => e.name.startsWith('PG'))).toEqual([
      { name: 'PGHOST', value: 'hcap-crunchy-primary' },
      { name: 'PGPORT', value: '5432' },
      { name: 'PGUSER', value: 'postgres' },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'hcap-crunchy-pguser-postgres', key: 'password' } } },
    ]);
    expect(job.spec.template.metadata.labels).toMatchObject({ 'pgfleet.io/database': 'hcap' });
    const deps = r.objects.find((o) => o.manifest.kind === 'Job' && o.manifest.metadata.name === 'hcap-crunchy-migrate')!.dependsOn;
    expect(deps).toContain('postgrescluster-hcap-crunchy.yaml');
  });

  test('refused without a postgres user: PGO publishes the superuser password only for one', () => {
    expect(() => render(patroniToCrunchy(crunchyBlock([{ name: 'hcap', databases: ['hcap'] }])))).toThrow(
      'pgfleet:databases[0].crunchy.users: found ["hcap"]',
    );
  });
});

describe('engine migration: folding the database onto its new engine', () => {
  test('once the old generation is retired and gone, the entry becomes a cnpg one; the cluster’s files do not change', () => {
    const cut = renderAfter(spiloToCnpg(), spiloToCnpg({}, { serving: TARGET, acknowledge: [] }, { migrateFrom: undefined }));
    const retired = render(spiloToCnpg({}, { serving: TARGET, acknowledge: [], retired: [SPILO_LIVE] }, { migrateFrom: undefined }), {
      previous: cut.state,
    });
    const folded = render(
      {
        'pgfleet:namespace': 'wksv3k-prod',
        'pgfleet:databases': [
          {
            name: 'ciip-portal',
            engine: 'cnpg',
            postgresVersion: 17,
            generations: [{ name: TARGET }],
            consumers: [{ app: 'cas-ciip-portal', secretName: 'cas-ciip-portal-database-url' }],
            ...cnpgBlock(),
          },
        ],
      },
      { previous: retired.state },
    );
    for (const f of [`cluster-${TARGET}.yaml`, `scheduledbackup-${TARGET}.yaml`, 'objectstore-ciip-portal-backups.yaml']) {
      expect(filesOf(folded)[f]).toBe(filesOf(retired)[f]);
    }
    expect(folded.state.databases['ciip-portal'].generations[TARGET].engine).toBeUndefined();
  });
});
