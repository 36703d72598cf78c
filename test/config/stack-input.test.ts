/**
 * Input the API server or the tools would take, but wrongly: label keys and values, URLs with
 * credentials, recovery targets no backup can reach, zero sizes, and secret values pasted into
 * free-text fields. Each is a config problem with its path, never copied into dist/.
 */
import type { ConfigIssue } from '../../lib/config/config-error';
import { issuesOf, stackFrom } from '../helpers';

const base = (db: Record<string, unknown> = {}, stack: Record<string, unknown> = {}) => ({
  'pgfleet:namespace': 'forgejo',
  ...stack,
  'pgfleet:databases': [
    {
      name: 'forgejo',
      engine: 'cnpg',
      postgresVersion: 18,
      storage: { size: '10Gi' },
      backup: { destinationPath: 's3://bucket/site/forgejo/postgres/', credentials: { existingSecret: { name: 'aws' } } },
      ...db,
    },
  ],
});

const at = (issues: ConfigIssue[], path: string) => {
  const i = issues.find((x) => x.path === path);
  if (!i) throw new Error(`no issue at ${path}; issues at: ${issues.map((x) => x.path).join(', ')}`);
  return i;
};

describe('labels', () => {
  test('fails for keys and values Kubernetes refuses', () => {
    const issues = issuesOf(() =>
      stackFrom(base({}, { 'pgfleet:labels': { 'Indigo Prod': 'x', team: 'platform team', 'a/b/c': 'x', ok: '' } })),
    );
    expect(at(issues, 'pgfleet:labels["Indigo Prod"]').allowed).toMatch(/^a label key: an optional DNS prefix/);
    expect(at(issues, 'pgfleet:labels.team').allowed).toMatch(/^a label value: letters, digits/);
    expect(at(issues, 'pgfleet:labels["a/b/c"]').allowed).toMatch(/^a label key/);
    expect(issues.some((i) => i.path === 'pgfleet:labels.ok')).toBe(false);
  });
});

describe('URLs', () => {
  test('fails for credentials in an endpoint URL, without echoing them', () => {
    const issues = issuesOf(() =>
      stackFrom(
        base({
          backup: {
            destinationPath: 's3://bucket/x/',
            endpointURL: 'https://minio:s3cr3t-pass@minio.local:9000',
            credentials: { existingSecret: { name: 'aws' } },
          },
        }),
      ),
    );
    const here = issues.filter((x) => x.path === 'pgfleet:databases[0].backup.endpointURL');
    expect(here.map((x) => x.allowed)).toContainEqual(expect.stringMatching(/^a URL without a user or password/));
    for (const x of here) expect(x.value).toBe('(hidden: it looks like a secret)');
  });

  test('fails for a URL that is not http(s)', () => {
    const issues = issuesOf(() => stackFrom(base({}, { 'pgfleet:vault': { server: 'ftp://vault.example' } })));
    expect(at(issues, 'pgfleet:vault.server').allowed).toBe('an http:// or https:// URL');
  });
});

describe('recovery targets', () => {
  const restore = (targetTime: string) =>
    base({
      generations: [{ name: 'forgejo-db' }, { name: 'forgejo-r1', restoreFrom: { generation: 'forgejo-db', targetTime } }],
      serving: 'forgejo-db',
    });
  const path = 'pgfleet:databases[0].generations[1].restoreFrom.targetTime';

  test('fails for a target in the future', () => {
    const i = at(
      issuesOf(() => stackFrom(restore('2099-01-01T00:00:00Z'))),
      path,
    );
    expect(i.allowed).toMatch(/^a time in the past \(this is 2099-01-01T00:00:00Z, after now\)/);
    expect(i.fix).toMatch(/before now/);
  });

  test('fails for a target before any backup could exist', () => {
    expect(
      at(
        issuesOf(() => stackFrom(restore('0001-01-01T00:00:00Z'))),
        path,
      ).allowed,
    ).toMatch(/^a time after 2000-01-01/);
  });

  test('takes a target in the past', () => {
    expect(() => stackFrom(restore('2026-11-20T08:00:00+01:00'))).not.toThrow();
  });
});

describe('sizes', () => {
  test('fails for a zero-sized volume', () => {
    expect(
      at(
        issuesOf(() => stackFrom(base({ storage: { size: '0' } }))),
        'pgfleet:databases[0].storage.size',
      ).allowed,
    ).toBe('a quantity above zero, such as 1Gi');
  });
});

describe('secret values in free-text fields', () => {
  test.each([
    [
      'parameters',
      { parameters: { archive_command: 'aws --secret password=hunter22 s3 cp' } },
      'pgfleet:databases[0].parameters.archive_command',
      'a password written into a setting',
    ],
    [
      'tags',
      {
        backup: {
          destinationPath: 's3://bucket/x/',
          credentials: { existingSecret: { name: 'aws' } },
          tags: { key: 'AKIAIOSFODNN7EXAMPLE' },
        },
      },
      'pgfleet:databases[0].backup.tags.key',
      'an AWS access key id',
    ],
    ['a token in a label', {}, 'pgfleet:labels.note', 'a Slack token'],
  ])('fails for %s, hiding the value', (_what, db, path, shape) => {
    const stack = path.startsWith('pgfleet:labels') ? { 'pgfleet:labels': { note: 'xoxb-1234567890-abcdefghij' } } : {};
    const i = at(
      issuesOf(() => stackFrom(base(db, stack))),
      path,
    );
    expect(i.value).toBe('(hidden: it looks like a secret)');
    expect(i.allowed).toContain(shape);
    expect(i.fix).toMatch(/^remove it and rotate it if it was real/);
  });

  test('takes references to secrets: names, keys and Vault paths', () => {
    expect(() =>
      stackFrom(
        base({
          backup: {
            destinationPath: 's3://bucket/x/',
            credentials: { existingSecret: { name: 'aws-keys', accessKeyIdKey: 'access_key', secretAccessKeyKey: 'secret_key' } },
          },
        }),
      ),
    ).not.toThrow();
  });
});
