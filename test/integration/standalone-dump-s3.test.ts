/**
 * Proof against real rclone (Debian's) and real PostgreSQL: pgfleet's own nightly dump to a bucket
 * (`backup.method: dump`, `target.s3`) and the restore from it, every container exactly as
 * rendered (script and env; the Secrets filled with test values), against an S3 region on loopback
 * under the rendered endpoint's name (s3rver over TLS, see standalone-blackbox-harness.ts). The
 * libpq variables and DUMP_DIR point at the test's servers and directories, nothing else changes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { find, missingTools, render } from '../helpers';
import { POSTGRES_TOOLS, postgresDir, PostgresServer } from '../real-postgres';
import { dumpToS3, pydis, restoring } from '../engines/standalone-stack';
import {
  fingerprint,
  hostsFile,
  loopbackNet,
  missingBlackboxDeps,
  NSS_WRAPPER,
  runContainer,
  S3Region,
  selfSignedCert,
} from './standalone-blackbox-harness';

const SUPERUSER = 'pythondiscord';
const PASSWORD = 'it-is-only-a-test';
const secrets = {
  'postgres-env': { POSTGRES_USER: SUPERUSER, POSTGRES_PASSWORD: PASSWORD },
  'backup-s3': { access_key: 'DUMPKEY', secret_key: 'dump/secret+key' },
};
const FOLDER = 'postgres/postgres';
/** The dump script's file name for a time `hoursAgo`: `<gen>-<UTC timestamp>.sql.gz`. */
const dumpName = (gen: string, hoursAgo: number) =>
  `${gen}-${new Date(Date.now() - hoursAgo * 3600_000)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}.sql.gz`;
const OLD = dumpName('postgres', 8 * 24 + 1);
const RECENT = dumpName('postgres', 4 * 24);
const OTHER_GENERATION = `postgres/postgres-17/${dumpName('postgres-17', 30 * 24)}`;

const reason = missingBlackboxDeps() ?? missingTools(...POSTGRES_TOOLS, 'rclone');
const describeIf = reason ? (t: string, fn: () => void) => describe.skip(`${t} [skipped: ${reason}]`, fn) : describe;

describeIf("pgfleet's dumps to a bucket: the nightly dump + rclone upload, and the restore from it", () => {
  const nightly = find(render(pydis('prod', { backup: dumpToS3 })), 'CronJob', 'postgres-backup').spec.jobTemplate.spec.template.spec;
  const restore = find(render(restoring({}, { backup: dumpToS3 })), 'Job', 'postgres-restored-restore').spec.template.spec;
  let dir: string;
  let source: PostgresServer;
  let target: PostgresServer;
  let region: S3Region;
  let plumbing: Record<string, string>;
  /** A fresh directory the unprivileged user may write: the pod's emptyDir or PVC. */
  const volume = (name: string) => {
    const d = path.join(dir, name);
    fs.rmSync(d, { recursive: true, force: true });
    fs.mkdirSync(d, { mode: 0o777 });
    fs.chmodSync(d, 0o777);
    return d;
  };

  beforeAll(async () => {
    dir = postgresDir('pgfleet-dump-s3-');
    const ip = loopbackNet();
    const tls = selfSignedCert(dir, ['eu-central-1.linodeobjects.com']);
    plumbing = {
      LD_PRELOAD: NSS_WRAPPER,
      NSS_WRAPPER_HOSTS: hostsFile(dir, { 'eu-central-1.linodeobjects.com': ip(1) }),
      SSL_CERT_FILE: tls.caFile,
      GODEBUG: 'netdns=cgo',
    };
    S3Region.allowKeys(secrets['backup-s3'].access_key, secrets['backup-s3'].secret_key);
    region = await S3Region.start(ip(1), tls, path.join(dir, 's3'), 'pydis-backups');
    source = await PostgresServer.start({ superuser: SUPERUSER, password: PASSWORD });
    target = await PostgresServer.start({ superuser: SUPERUSER, password: PASSWORD });
    source.sql('create database site');
    source.sql(
      "create table tags (id serial primary key, name text); insert into tags (name) select 'tag-' || g from generate_series(1, 3000) g",
      'site',
    );
    // Earlier nights: one past retentionDays (7), one within, and a file of another generation's folder.
    region.put(`${FOLDER}/${OLD}`, 'old', 8 * 24 + 1);
    region.put(`${FOLDER}/${OLD}.sha512`, 'old', 8 * 24 + 1);
    region.put(`${FOLDER}/${RECENT}`, 'recent', 4 * 24);
    region.put(OTHER_GENERATION, 'another generation', 30 * 24);
  }, 120_000);

  afterAll(async () => {
    await region?.stop();
    source?.stop();
    target?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the dump container writes the dump and its sha512; the upload container puts both into the folder, then deletes by age', async () => {
    const scratch = volume('scratch');
    const dumped = await runContainer(nightly.initContainers[0], secrets, { ...source.libpq(), DUMP_DIR: scratch }, plumbing);
    expect(dumped.status).toBe(0);
    const uploaded = await runContainer(nightly.containers[0], secrets, { DUMP_DIR: scratch }, plumbing);
    expect(uploaded.status).toBe(0);
    const [file] = fs.readdirSync(scratch).filter((f) => f.endsWith('.sql.gz'));
    expect(file).toMatch(/^postgres-\d{8}T\d{6}Z\.sql\.gz$/);
    expect(uploaded.stdout).toBe(`pgfleet: uploaded ${file} to archive:pydis-backups/${FOLDER}\n`);
    const objects = Object.fromEntries(region.objects().map((o) => [o.key, o.body]));
    expect(Object.keys(objects).sort()).toEqual(
      [`${FOLDER}/${file}`, `${FOLDER}/${file}.sha512`, `${FOLDER}/${RECENT}`, OTHER_GENERATION].sort(),
    );
    expect(objects[`${FOLDER}/${file}`].equals(fs.readFileSync(path.join(scratch, file)))).toBe(true);
    expect(objects[`${FOLDER}/${file}.sha512`].toString()).toBe(fs.readFileSync(path.join(scratch, `${file}.sha512`), 'utf8'));
  });

  test('the restore Job: rclone fetches the newest dump and its checksum, the import verifies it and reproduces every row', async () => {
    const dump = volume('dump');
    const fetched = await runContainer(restore.initContainers[0], secrets, { DUMP_DIR: dump }, plumbing);
    expect(fetched.status).toBe(0);
    const [file] = fs.readdirSync(dump).filter((f) => f.endsWith('.sql.gz'));
    expect(fetched.stdout).toBe(`pgfleet: fetched archive:pydis-backups/${FOLDER}/${file}\n`);
    expect(fs.readdirSync(dump).sort()).toEqual([file, `${file}.sha512`]);
    const imported = await runContainer(
      restore.containers[0],
      secrets,
      { ...target.libpq(), DUMP_DIR: dump, WAIT_SECONDS: '30' },
      plumbing,
    );
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toContain(`pgfleet: sha512 of ${file} verified`);
    expect(imported.status).toBe(0);
    expect(fingerprint(target)).toEqual(fingerprint(source));
  });

  test('a dump changed in the bucket: rclone refuses the download (MD5 against the ETag), so the import never runs', async () => {
    const newest = region
      .objects()
      .filter((o) => o.key.endsWith('.sql.gz') && o.key.startsWith(FOLDER))
      .map((o) => o.key)
      .sort()
      .pop()!;
    const file = path.join(dir, 's3', 'pydis-backups', `${newest}._S3rver_object`);
    const bytes = fs.readFileSync(file);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const fetched = await runContainer(restore.initContainers[0], secrets, { DUMP_DIR: volume('dump') }, plumbing);
    expect(fetched.status).not.toBe(0);
    expect(fetched.stderr).toMatch(/corrupted on transfer: md5 hash differ/);
    expect(fs.readdirSync(path.join(dir, 'dump'))).toEqual([]);
  });
});
