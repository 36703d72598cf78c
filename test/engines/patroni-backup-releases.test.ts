/**
 * Rendering follows the backup-container release the stack pins: what each release supports is
 * in lib/engines/patroni/backup-container-releases.ts, and a stack asking for more is refused
 * with the first release that has it.
 */
import { compareVersions, releaseOf, versionOfImage } from '../../lib/engines/patroni/backup-container-releases';
import { find, render } from '../helpers';
import { envOf, hcap, issuesOf } from './patroni-stack';

const at = (path: string) => `pgfleet:databases[0].${path}`;
const IMAGE = (v: string) => `docker.io/bcgovimages/backup-container:${v}`;
const s3 = (extra: Record<string, unknown> = {}) => ({
  endpoint: 'https://s3.ca-central-1.amazonaws.com',
  bucket: 'hcap-backups',
  credentials: { existingSecret: { name: 'hcap-s3' } },
  ...extra,
});

describe('backup-container releases', () => {
  test('the release comes from the tag, or from imageVersion', () => {
    expect(versionOfImage(IMAGE('2.3.3'))).toBe('2.3.3');
    expect(versionOfImage('registry.example:5000/mirror/backup-container:v2.13.0')).toBe('2.13.0');
    expect(versionOfImage('registry.example:5000/backup-container@sha256:abc')).toBeUndefined();
    expect(versionOfImage('registry.example/backup-container:stable')).toBeUndefined();
    expect(compareVersions('2.10.0', '2.9.2')).toBeGreaterThan(0);
    expect(releaseOf('2.3.3')).toMatchObject({ pgDumpMajor: 12, dumpLayout: 'data', s3: false, ignoreErrorsFlag: false });
    expect(releaseOf('2.4.0')).toMatchObject({ from: '2.3.3' });
    expect(releaseOf('2.9.1')).toMatchObject({ pgDumpMajor: 15, dumpLayout: 'roles-first', s3: true, s3Prune: false });
    expect(releaseOf('2.13.0')).toMatchObject({
      pgDumpMajor: 18,
      dumpLayout: 'roles-last',
      s3: true,
      s3Prune: true,
      ignoreErrorsFlag: true,
    });
    expect(releaseOf('2.2.1')).toBeUndefined();
  });

  test("fails on backup.s3 with 2.3.3 (hcap's pin): S3 upload arrived in 2.7.0, and 2.3.3 would upload nothing", () => {
    expect(issuesOf(() => render(hcap({}, { s3: s3() })))).toEqual([
      {
        path: at('backup.s3'),
        value: s3(),
        allowed:
          'backup.s3 with backup-container 2.7.0 or later: S3 upload (mc) arrived in 2.7.0; 2.3.3 ignores the S3_* variables and uploads nothing',
        fix: 'set backup.image to docker.io/bcgovimages/backup-container:2.13.0 (or 2.7.0 or later), or remove backup.s3',
      },
    ]);
  });

  test('s3.prune needs 2.13.0; with it, S3_PRUNE_BACKUPS is rendered', () => {
    expect(issuesOf(() => render(hcap({}, { image: IMAGE('2.12.0'), s3: s3({ prune: true }) })))).toEqual([
      expect.objectContaining({
        path: at('backup.s3.prune'),
        value: true,
        allowed: 's3.prune with backup-container 2.13.0 or later: S3_PRUNE_BACKUPS arrived in 2.13.0; 2.12.0 leaves every S3 copy in place',
      }),
    ]);
    const r = render(hcap({}, { image: IMAGE('2.13.0'), s3: s3({ prune: true }) }));
    expect(envOf(find(r, 'CronJob', 'hcap-patroni-backup-hcap'))).toMatchObject({ S3_PRUNE_BACKUPS: 'true', S3_BUCKET: 'hcap-backups' });
  });

  test('fails on a tag that names no release unless imageVersion does', () => {
    const digest = 'registry.example/backup-container@sha256:0123456789abcdef';
    expect(issuesOf(() => render(hcap({}, { image: digest })))).toEqual([
      expect.objectContaining({
        path: at('backup.image'),
        value: digest,
        fix: 'set backup.imageVersion: "<release>", e.g. "2.13.0", or use a tag such as docker.io/bcgovimages/backup-container:2.13.0',
      }),
    ]);
    expect(
      envOf(find(render(hcap({}, { image: digest, imageVersion: '2.13.0' })), 'CronJob', 'hcap-patroni-backup-hcap')).DUMP_PREFIX,
    ).toBe('hcap-patroni-hcap');
    expect(issuesOf(() => render(hcap({}, { image: digest, imageVersion: '2.3.3', s3: s3() })))).toEqual([
      expect.objectContaining({ path: at('backup.s3') }),
    ]);
  });

  test('fails on releases before 2.3.3 and on 2.7.0–2.8.1 (tar archives under the .sql.gz name)', () => {
    expect(issuesOf(() => render(hcap({}, { image: IMAGE('2.2.1') })))).toEqual([
      expect.objectContaining({ path: at('backup.image'), allowed: 'backup-container 2.3.3 or later (found 2.2.1)' }),
    ]);
    expect(issuesOf(() => render(hcap({}, { image: IMAGE('2.8.1') })))).toEqual([
      expect.objectContaining({ path: at('backup.image'), allowed: expect.stringContaining('write a tar archive under the .sql.gz name') }),
    ]);
  });

  test('fails on databases whose dump prefixes overlap: backup.sh would prune one with the other', () => {
    expect(issuesOf(() => render(hcap({}, { databases: ['hcap', 'hcap_audit'] })))).toEqual([
      {
        path: at('backup.databases[0]'),
        value: 'hcap',
        allowed:
          "database names none of whose dump prefixes contains another's: backup.sh finds hcap's dumps by \"hcap-patroni-hcap\" in their paths, which also matches hcap_audit's (hcap-patroni-hcap_audit_…), so pruning hcap deletes hcap_audit's dumps",
        fix: 'rename one of the databases in backup.databases (e.g. audit instead of hcap_audit), or back it up from another database entry',
      },
    ]);
  });
});
