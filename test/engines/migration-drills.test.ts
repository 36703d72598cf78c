/**
 * Restore drills on an engine migration's database entry: every live generation is drilled with its
 * own engine's drill — the entry's `drill`, or for the generations on another engine the `drill` of
 * that engine's block when it has one — and what an engine refuses of the entry's drill is
 * reported at the entry's `drill`, naming the generations it concerns.
 */
import { recoveryReport } from '../../lib/model/recovery-report';
import { all, find, issuesOf, render } from '../helpers';
import { drillContainer } from '../drill-helpers';
import { cnpgBlock, crunchyBlock, patroniToCrunchy, spiloToCnpg, standaloneToCnpg, TARGET } from './migration-stack';
import { KEY_SECRET, LIVE as SPILO_LIVE } from './spilo-stack';
import { dumpToS3 } from './standalone-stack';

const drill = { schedule: '0 3 * * 0', check: { query: 'select count(*) from facility', atLeast: 1 } };
const drillsOf = (r: ReturnType<typeof render>) => all(r, 'CronJob').filter((c) => c.metadata.name.endsWith('-drill'));
const restoreOf = (cronJob: Record<string, any>) =>
  cronJob.spec.jobTemplate.spec.template.spec.initContainers.find((c: { name: string }) => c.name === 'restore');
const keyFile = { keyFileSecret: { name: 'ciip-drill-reader', key: 'key.json' } };
const s3Keys = { existingSecret: { name: 'cnpg-drill-reader', accessKeyIdKey: 'id', secretAccessKeyKey: 'secret' } };

describe('a drill on a Spilo → CloudNativePG migration entry', () => {
  const r = render(spiloToCnpg({}, { drill }));

  test('one drill CronJob per live generation, each restoring with its own engine’s tool', () => {
    expect(drillsOf(r).map((c) => c.metadata.name)).toEqual([`${SPILO_LIVE}-drill`, `${TARGET}-drill`]);
    const spilo = drillContainer(find(r, 'CronJob', `${SPILO_LIVE}-drill`));
    const cnpg = drillContainer(find(r, 'CronJob', `${TARGET}-drill`));
    expect(spilo.script).toContain('wal-g backup-fetch "$PGDATA" "$DRILL_BACKUP"');
    expect(spilo.script).not.toContain('barman-cloud-restore');
    expect(spilo.env.WALG_GS_PREFIX).toBe(`gs://wksv3k-prod-ciip-backups/wal/${SPILO_LIVE}`);
    expect(cnpg.script).toContain('barman-cloud-restore ');
    expect(cnpg.script).not.toContain('wal-g');
    expect(cnpg.env).toMatchObject({ BARMAN_DESTINATION: 's3://wksv3k-prod-ciip-backups/cnpg/', BARMAN_SERVER_NAME: `${TARGET}-pg17` });
    // Each in its engine's image, checking the same query in its engine's application database.
    expect(restoreOf(find(r, 'CronJob', `${SPILO_LIVE}-drill`)).image).toBe(
      'ghcr.io/bcgov/cas-postgres:9a6cd902e167dfc53e9588fa661a7ea03fc4729d',
    );
    expect(restoreOf(find(r, 'CronJob', `${TARGET}-drill`)).image).toBe('ghcr.io/cloudnative-pg/postgresql:17-system-trixie');
    expect([spilo.env.CHECK_QUERY, cnpg.env.CHECK_QUERY]).toEqual([drill.check.query, drill.check.query]);
    expect([spilo.env.CHECK_DATABASE, cnpg.env.CHECK_DATABASE]).toEqual(['ciip_portal', 'ciip_portal']);
  });

  test('each reads with its own engine’s backup credentials when the drill names none', () => {
    const volumes = find(r, 'CronJob', `${SPILO_LIVE}-drill`).spec.jobTemplate.spec.template.spec.volumes;
    expect(volumes.find((v: { name: string }) => v.name === 'drill-key').secret.secretName).toBe(KEY_SECRET);
    const env = restoreOf(find(r, 'CronJob', `${TARGET}-drill`)).env;
    expect(env.find((e: { name: string }) => e.name === 'AWS_ACCESS_KEY_ID').valueFrom).toEqual({
      secretKeyRef: { name: 'gcp-hmac-key', key: 'access_key' },
    });
  });

  test('an image on the entry’s drill is refused while the other engine’s generations take that drill too', () => {
    const image = 'ghcr.io/bcgov/cas-postgres:drill';
    expect(issuesOf(() => render(spiloToCnpg({}, { drill: { ...drill, image } })))).toEqual([
      {
        path: 'pgfleet:databases[0].drill.image',
        value: image,
        allowed:
          "an image for spilo's generations only, but this drill also drills the generations on cnpg, whose restore tool it would lack",
        fix: "give the cnpg block a drill of its own (cnpg: {drill: {...}}) with its image, or remove drill.image to take each engine's default",
      },
    ]);
    // With a drill in the cnpg block, the entry's image is the Spilo generation's alone.
    const own = render(spiloToCnpg({}, { drill: { ...drill, image }, cnpg: { ...cnpgBlock(), drill } }));
    expect(restoreOf(find(own, 'CronJob', `${SPILO_LIVE}-drill`)).image).toBe(image);
    expect(restoreOf(find(own, 'CronJob', `${TARGET}-drill`)).image).toBe('ghcr.io/cloudnative-pg/postgresql:17-system-trixie');
  });

  test('pgfleet report shows each generation with its own engine, guarantee and drill', () => {
    const rows = recoveryReport(r.resolved).map((row) => [row.generation, row.engine, row.method, row.drill?.cronJob]);
    expect(rows).toEqual([
      [SPILO_LIVE, 'spilo', 'wal', `${SPILO_LIVE}-drill`],
      [TARGET, 'cnpg', 'wal', `${TARGET}-drill`],
    ]);
  });

  test('credentials the other engine refuses are reported at the entry’s drill, naming its generations', () => {
    expect(issuesOf(() => render(spiloToCnpg({}, { drill: { ...drill, credentials: keyFile } })))).toEqual([
      {
        path: 'pgfleet:databases[0].drill.credentials.keyFileSecret',
        value: 'ciip-drill-reader',
        allowed: `for ${TARGET} on cnpg: S3 keys (vault or existingSecret): barman-cloud reads the archive at backup.destinationPath with an access key`,
        fix:
          `give the cnpg block a drill of its own for ${TARGET} (the entry's drill applies to every engine's generations whose block sets none), ` +
          'and there: give read-only S3 keys: drill.credentials.existingSecret {name, accessKeyIdKey, secretAccessKeyKey} or a Vault role',
      },
    ]);
    // What the entry's own engine refuses reads as on a database of that engine alone.
    expect(issuesOf(() => render(spiloToCnpg({}, { drill: { ...drill, credentials: s3Keys } })))).toEqual([
      {
        path: 'pgfleet:databases[0].drill.credentials',
        value: 'existingSecret',
        allowed: 'keyFileSecret: WAL-G reads the GCS prefix with a service-account key file',
        fix: 'give drill.credentials.keyFileSecret {name, key} of a service account with roles/storage.objectViewer on the bucket',
      },
    ]);
  });

  test('a drill in the cnpg block drills the cnpg generations; the entry’s drills the Spilo ones', () => {
    const both = render(
      spiloToCnpg(
        {},
        { drill: { ...drill, credentials: keyFile }, cnpg: cnpgBlock({ drill: { ...drill, schedule: '0 5 * * 0', credentials: s3Keys } }) },
      ),
    );
    expect(drillsOf(both).map((c) => [c.metadata.name, c.spec.schedule])).toEqual([
      [`${SPILO_LIVE}-drill`, '0 3 * * 0'],
      [`${TARGET}-drill`, '0 5 * * 0'],
    ]);
    const spiloPod = find(both, 'CronJob', `${SPILO_LIVE}-drill`).spec.jobTemplate.spec.template.spec;
    expect(spiloPod.volumes.find((v: { name: string }) => v.name === 'drill-key').secret.secretName).toBe('ciip-drill-reader');
    const env = restoreOf(find(both, 'CronJob', `${TARGET}-drill`)).env;
    expect(env.find((e: { name: string }) => e.name === 'AWS_ACCESS_KEY_ID').valueFrom).toEqual({
      secretKeyRef: { name: 'cnpg-drill-reader', key: 'id' },
    });
    // The block's own drill is reported at the block.
    expect(
      issuesOf(() =>
        render(
          spiloToCnpg({}, { drill: { ...drill, credentials: keyFile }, cnpg: cnpgBlock({ drill: { ...drill, credentials: keyFile } }) }),
        ),
      ).map((i) => `${i.path}: ${i.allowed}`),
    ).toEqual([
      'pgfleet:databases[0].cnpg.drill.credentials.keyFileSecret: S3 keys (vault or existingSecret): barman-cloud reads the archive at backup.destinationPath with an access key',
    ]);
  });

  test('a drill that does not parse is reported once, at the entry', () => {
    const bad = { ...drill, check: { query: 'select 1' } };
    expect(issuesOf(() => render(spiloToCnpg({}, { drill: bad }))).map((i) => i.path)).toEqual(['pgfleet:databases[0].drill.check']);
  });
});

describe('a drill on a Patroni → Crunchy PGO migration entry', () => {
  const s3Repo = {
    name: 'repo2',
    retention: { full: 3 },
    s3: { bucket: 'hcap-pgbackrest', endpoint: 's3.ca-central-1.amazonaws.com', region: 'ca-central-1', credentials: s3Keys },
  };
  const block = crunchyBlock() as Record<string, any>;
  const withS3 = { ...block, backups: { ...block.backups, repos: [block.backups.repos[0], s3Repo] } };

  test('what Crunchy refuses of the entry’s drill is reported at the entry, for the Crunchy generation', () => {
    const config = patroniToCrunchy(withS3);
    (config['pgfleet:databases'] as Record<string, unknown>[])[0].drill = drill;
    expect(issuesOf(() => render(config)).map((i) => `${i.path}: ${i.allowed.split(' (')[0]}`)).toEqual([
      'pgfleet:databases[0].drill.image: for hcap-crunchy on crunchy: the PGO PostgreSQL image the drill restores with',
    ]);
    const volumeOnly = patroniToCrunchy(block);
    (volumeOnly['pgfleet:databases'] as Record<string, unknown>[])[0].drill = drill;
    expect(issuesOf(() => render(volumeOnly)).map((i) => i.path)).toEqual(['pgfleet:databases[0].drill']);
  });

  test('with a drill in the crunchy block: pgBackRest for hcap-crunchy, the backup-container’s dumps for hcap-patroni', () => {
    const config = patroniToCrunchy({ ...withS3, drill: { ...drill, image: 'registry.example/crunchy-postgres:ubi9-17.5-2520' } });
    (config['pgfleet:databases'] as Record<string, unknown>[])[0].drill = drill;
    const r = render(config);
    expect(drillsOf(r).map((c) => c.metadata.name)).toEqual(['hcap-patroni-drill', 'hcap-crunchy-drill']);
    const patroni = drillContainer(find(r, 'CronJob', 'hcap-patroni-drill'));
    const crunchy = drillContainer(find(r, 'CronJob', 'hcap-crunchy-drill'));
    expect(patroni.script).toContain('load_dump "$file" "$CHECK_DATABASE"');
    expect(patroni.env).toMatchObject({ BACKUP_DIR: '/backups', CHECK_DATABASE: 'hcap' });
    expect(crunchy.script).toContain('pgbackrest restore --set="$DRILL_BACKUP"');
    expect(crunchy.env).toMatchObject({ PGBACKREST_REPO: '2', PGBACKREST_REPO2_TYPE: 's3', PGBACKREST_REPO2_S3_BUCKET: 'hcap-pgbackrest' });
    expect(restoreOf(find(r, 'CronJob', 'hcap-crunchy-drill')).image).toBe('registry.example/crunchy-postgres:ubi9-17.5-2520');
  });
});

describe('a drill on a standalone → CloudNativePG migration entry, with Vault credentials', () => {
  test('each engine reads with a Vault-fed Secret of its own', () => {
    const config = standaloneToCnpg();
    const vault = { vault: { path: '/aws/creds/pydis-drill', role: 'pydis-drill' } };
    Object.assign((config['pgfleet:databases'] as Record<string, unknown>[])[0], {
      backup: dumpToS3,
      drill: { ...drill, credentials: vault },
    });
    config['pgfleet:vault'] = { server: 'https://vault.example:8200' };
    const r = render(config);
    expect(all(r, 'VaultDynamicSecret').map((v) => [v.metadata.name, v.spec.path])).toEqual([
      ['postgres-drill-creds', '/aws/creds/pydis-drill'],
      ['postgres-cnpg-drill-creds', '/aws/creds/pydis-drill'],
    ]);
    const env = restoreOf(find(r, 'CronJob', 'postgres-cnpg-drill')).env;
    expect(env.find((e: { name: string }) => e.name === 'AWS_ACCESS_KEY_ID').valueFrom.secretKeyRef.name).toBe('postgres-cnpg-drill-creds');
  });

  test('a Vault server missing is reported once, at the entry’s drill', () => {
    const config = standaloneToCnpg();
    Object.assign((config['pgfleet:databases'] as Record<string, unknown>[])[0], {
      backup: dumpToS3,
      drill: { ...drill, credentials: { vault: { path: '/aws/creds/pydis-drill', role: 'pydis-drill' } } },
    });
    expect(issuesOf(() => render(config)).map((i) => i.path)).toEqual(['pgfleet:databases[0].drill.credentials.vault.server']);
  });
});
