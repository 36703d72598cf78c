/**
 * hcap's backup CronJob, one-off and safety dump Jobs, run as rendered against the REAL
 * backup-container scripts of 2.3.3 (hcap's pin) and 2.13.0 (see backup-container-pod.ts for what
 * stands in for the image): the dump file layout, the roles each dump carries, failure when the
 * server is down, the S3 copy, and the safety dumps the daily strategy used to prune (rolling
 * retention over simulated nights: patroni-backup-container-retention-*.test.ts).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeWithTools } from '../helpers';
import { POSTGRES_TOOLS } from '../real-postgres';
import { describeWithUpstream } from '../upstream';
import { filesUnder, POD_TOOLS, VERSIONS } from './backup-container-pod';
import { dumpText, Fleet, lineAt } from './backup-container-fleet';

/** The s3rver package, when installed (a devDependency; required in CI). */
const S3RVER = ((): string | undefined => {
  try {
    return require.resolve('s3rver');
  } catch {
    if (process.env.CI === 'true') throw new Error('npm package s3rver (devDependency) is required in CI');
    return undefined;
  }
})();
/** `test`, or a skip that says what is missing (as describeWithTools does for tools). */
const testWithS3 = (title: string, fn: () => Promise<void>) =>
  S3RVER ? test(title, fn) : test.skip(`${title} [skipped: npm package s3rver not installed: npm install]`, fn);

/**
 * A local S3 server (npm s3rver, a devDependency) in a process of its own: the pods are run with
 * spawnSync, which would block a server in this one.
 */
async function startS3(directory: string): Promise<{ port: number; stop: () => void }> {
  const main = S3RVER!;
  const code = `const S3rver = require(${JSON.stringify(main)});
new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: ${JSON.stringify(directory)} }).run().then(({ port }) => console.log(port));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (c) => reject(new Error(`s3rver exited with ${c}`)));
  });
  return { port, stop: () => child.kill() };
}

/** Object keys of a bucket, over S3 (python3-boto3). */
async function listBucket(port: number, bucket: string): Promise<string[]> {
  const py = `import boto3, botocore, sys
c = boto3.client("s3", endpoint_url="http://127.0.0.1:${port}", aws_access_key_id="S3RVER", aws_secret_access_key="S3RVER", region_name="us-east-1", config=botocore.config.Config(s3={"addressing_style": "path"}))
print("\\n".join(o["Key"] for o in c.list_objects_v2(Bucket="${bucket}").get("Contents", [])))`;
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) =>
    execFile('python3', ['-c', py], (err, stdout) => (err ? reject(err) : resolve(stdout.split('\n').filter(Boolean).sort()))),
  );
}

const UPSTREAM = ['backup-container-2.3.3', 'backup-container-2.13.0', 'sclorg-postgresql-container-804ef01'] as const;
const DUMP = /^(daily|weekly|monthly)\/(\d{4}-\d\d-\d\d)\/hcap-patroni-hcap_(\d{4}-\d\d-\d\d)_\d\d-\d\d-\d\d\.sql\.gz$/;

describeWithUpstream(UPSTREAM, 'the backup Jobs with the real backup-container', () => {
  describeWithTools([...POSTGRES_TOOLS, ...POD_TOOLS], 'real PostgreSQL', () => {
    describe.each(VERSIONS)('backup-container %s', (version) => {
      let fleet: Fleet;
      beforeAll(async () => {
        fleet = await Fleet.start(version, ['hcap-patroni']);
        const s = fleet.server('hcap-patroni');
        s.sql('CREATE ROLE reporting NOLOGIN');
        s.sql(
          "SET ROLE hcap; CREATE TABLE visits (id int PRIMARY KEY, note text); INSERT INTO visits VALUES (1, 'a'); GRANT SELECT ON visits TO reporting",
          'hcap',
        );
      });
      afterAll(() => fleet?.stop());

      test('the CronJob writes one complete dump, roles included, where the docs say', () => {
        const r = fleet.render();
        const run = fleet.run(r, 'CronJob', 'hcap-patroni-backup-hcap');
        expect(run.out).toContain('pgfleet: wrote ');
        expect(run.status).toBe(0);
        const files = filesUnder(fleet.volume('hcap-patroni'));
        expect(files).toEqual([expect.stringMatching(DUMP)]);
        const text = dumpText(path.join(fleet.volume('hcap-patroni'), files[0]));
        expect(lineAt(text, '-- PostgreSQL database dump complete')).toBeGreaterThan(0);
        expect(lineAt(text, 'CREATE ROLE reporting;')).toBeGreaterThan(0);
        expect(text).toContain('GRANT SELECT ON TABLE public.visits TO reporting;');
        // 2.3.3 dumps no roles: pgfleet appends them, after the data as 2.13.0 does.
        expect(run.out.includes('appended the role definitions')).toBe(version === '2.3.3');
        expect(lineAt(text, 'CREATE ROLE reporting;')).toBeGreaterThan(lineAt(text, '-- PostgreSQL database dump complete'));
        // The root file system stays untouched (the image copy is read-only), /tmp is left empty.
        expect(filesUnder(run.host('/tmp'))).toEqual([]);
      });

      test('fails, keeping no file, when the server is down (backup.sh itself exits 0)', () => {
        const before = filesUnder(fleet.volume('hcap-patroni'));
        const run = fleet.run(fleet.render(), 'CronJob', 'hcap-patroni-backup-hcap', { hosts: { 'hcap-patroni': '127.0.0.2' } });
        expect(run.out).toContain('backup.sh finished without writing a dump of hcap-patroni-hcap');
        expect(run.status).toBe(1);
        expect(filesUnder(fleet.volume('hcap-patroni'))).toEqual(before);
      });

      test('with the daily strategy, the safety dumps outlive any number of newer dumps (backup.sh prunes its whole root)', () => {
        const vol = fleet.volume('hcap-patroni');
        const r = fleet.render(
          {
            acknowledge: ['destroys-data:hcap-patroni'],
            inPlaceRestore: { generation: 'hcap-patroni', id: 'safety', targetTime: '2026-10-01T00:00:00Z', scaleDown: [] },
          },
          { strategy: 'daily', retention: { total: 2 } },
        );
        const pre = fleet.run(r, 'Job', 'hcap-patroni-pre-restore-hcap-safety', { fakeTime: '2026-10-01 01:00:00' });
        expect(pre.status).toBe(0);
        const safety = filesUnder(vol).filter((f) => f.startsWith('pre-restore-safety/'));
        expect(safety).toEqual([
          expect.stringMatching(/^pre-restore-safety\/2026-10-01\/hcap-patroni-hcap_2026-10-01_01-00-0\d\.sql\.gz$/),
        ]);
        for (const night of ['02', '03', '04', '05']) {
          expect(fleet.run(r, 'CronJob', 'hcap-patroni-backup-hcap', { fakeTime: `2026-10-${night} 02:00:00` }).status).toBe(0);
        }
        const daily = filesUnder(vol).filter((f) => f.startsWith('daily/20'));
        expect(daily.map((f) => f.slice(0, 'daily/2026-10-05'.length))).toEqual(['daily/2026-10-04', 'daily/2026-10-05']);
        expect(filesUnder(vol).filter((f) => f.startsWith('pre-restore-safety/'))).toEqual(safety);
        // The same nights with the root the daily strategy had before (/backups/): the safety dump goes.
        const old = fleet.run(r, 'CronJob', 'hcap-patroni-backup-hcap', {
          fakeTime: '2026-10-06 02:00:00',
          env: { BACKUP_DIR: `${vol}/` },
        });
        expect(old.status).toBe(0);
        expect(filesUnder(vol).filter((f) => f.startsWith('pre-restore-safety/'))).toEqual([]);
      });

      if (version === '2.13.0') {
        testWithS3('copies each dump to S3, fails the Job when the copy is missing, and prunes the copies with s3.prune', async () => {
          const server = await startS3(fs.mkdtempSync(path.join(fleet.root, 's3-')));
          const { port } = server;
          try {
            const secrets = { 'hcap-s3': { access_key: 'S3RVER', secret_key: 'S3RVER' } };
            const s3 = (endpoint: string, prune = false) => ({
              s3: { endpoint, bucket: 'hcap-backups', credentials: { existingSecret: { name: 'hcap-s3' } }, prune },
              retention: { daily: 1, weekly: 1, monthly: 1 },
            });
            const r = fleet.render({}, s3(`http://127.0.0.1:${port}`, true));
            // Real time: S3 signatures carry the client's clock, which the server checks.
            const first = fleet.run(r, 'CronJob', 'hcap-patroni-backup-hcap', { secrets });
            expect(first.out).toContain('copied to s3://hcap-backups/hcap-patroni-hcap_');
            expect(first.status).toBe(0);
            const second = fleet.run(r, 'CronJob', 'hcap-patroni-backup-hcap', { secrets });
            expect(second.status).toBe(0);
            const objects = await listBucket(port, 'hcap-backups');
            // A count of 1: the first dump was pruned, on the volume and (S3_PRUNE_BACKUPS) in the bucket.
            const written = (run: { out: string }) => /pgfleet: wrote \S+\/(hcap-patroni-hcap_\S+\.sql\.gz)/.exec(run.out)![1];
            expect(written(first)).not.toBe(written(second));
            expect(objects).toEqual([written(second)]);
            const down = fleet.run(fleet.render({}, s3('http://127.0.0.1:9')), 'CronJob', 'hcap-patroni-backup-hcap', {
              secrets,
              env: { HOME: fs.mkdtempSync(path.join(fleet.root, 'home-')) },
            });
            expect(down.out).toContain('its S3 copy s3://hcap-backups/');
            expect(down.status).toBe(1);
          } finally {
            server.stop();
          }
        });
      }
    });
  });
});
