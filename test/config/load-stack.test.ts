import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, ConfigIssue } from '../../lib/config/config-error';
import { stackNameOf } from '../../lib/config/load-stack';
import { loadStack, stackFrom, tempDir } from '../helpers';

const cnpg = (extra: Record<string, unknown> = {}, backup: Record<string, unknown> = {}) => ({
  'pgfleet:namespace': 'forgejo',
  'pgfleet:databases': [
    {
      name: 'forgejo',
      engine: 'cnpg',
      postgresVersion: 18,
      storage: { size: '10Gi' },
      backup: { destinationPath: 's3://bucket/site/forgejo/postgres/', credentials: { existingSecret: { name: 'aws' } }, ...backup },
      ...extra,
    },
  ],
});

/** The issues a config raises, or fails the test when it parses. */
function issuesOf(config: Record<string, unknown>): ConfigIssue[] {
  try {
    stackFrom(config);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.issues];
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const byPath = (issues: ConfigIssue[], p: string) => {
  const i = issues.find((x) => x.path === p);
  if (!i) throw new Error(`no issue at ${p}; issues at: ${issues.map((x) => x.path).join(', ')}`);
  return i;
};

describe('stack parsing', () => {
  test('applies defaults and freezes the result', () => {
    const { spec } = stackFrom(cnpg());
    const db = spec.databases[0] as any;
    expect(db.engine).toBe('cnpg');
    expect(spec.environment).toBe('dev');
    if (db.engine !== 'cnpg') throw new Error('engine');
    expect(db.backup).toMatchObject({ method: 'plugin', retentionPolicy: '30d', schedule: '0 0 0 * * *', compression: 'gzip' });
    expect(db.instances).toBe(1);
    expect(Object.isFrozen(db.backup)).toBe(true);
  });

  test('fails with every problem at once: wrong types, unknown keys, missing fields', () => {
    const issues = issuesOf({
      'pgfleet:namespace': 'forgejo',
      'pgfleet:databasez': [],
      'pgfleet:databases': [
        {
          name: 'forgejo',
          engine: 'cnpg',
          postgresVersion: '18',
          instancess: 3,
          storage: { size: 'fifty' },
          backup: { destinationPath: 's3://b/p/', credentials: { existingSecret: { name: 'aws' } } },
        },
        { name: 'Bad_Name', engine: 'mysql' },
      ],
    });
    expect(byPath(issues, 'pgfleet:databasez')).toMatchObject({ fix: 'did you mean "databases"? rename it' });
    expect(byPath(issues, 'pgfleet:databases[0].postgresVersion')).toMatchObject({
      value: '18',
      allowed: 'a number',
      fix: 'write a number here (without quotes)',
    });
    expect(byPath(issues, 'pgfleet:databases[0].instancess')).toMatchObject({ fix: 'did you mean "instances"? rename it' });
    expect(byPath(issues, 'pgfleet:databases[0].instancess').allowed).toContain('known keys here: ');
    expect(byPath(issues, 'pgfleet:databases[0].storage.size').allowed).toBe('a Kubernetes quantity such as 50Gi or 500Mi');
    expect(byPath(issues, 'pgfleet:databases[1].engine')).toMatchObject({
      value: 'mysql',
      allowed: 'one of cnpg, crunchy, spilo, patroni, standalone',
    });
    expect(issues.length).toBeGreaterThanOrEqual(5);
  });

  test('fails for a target time without an offset, naming the field and the fix', () => {
    const issues = issuesOf(
      cnpg({
        generations: [
          { name: 'forgejo-db' },
          { name: 'forgejo-db-r1', restoreFrom: { generation: 'forgejo-db', targetTime: '2026-11-20 08:00:00' } },
        ],
        serving: 'forgejo-db',
      }),
    );
    const i = byPath(issues, 'pgfleet:databases[0].generations[1].restoreFrom.targetTime');
    expect(i.value).toBe('2026-11-20 08:00:00');
    expect(i.allowed).toBe('a time with an explicit UTC offset or Z');
    expect(i.fix).toContain('"2026-11-20T08:00:00Z" for UTC');
  });

  test('fails for a five-field schedule in a CloudNativePG ScheduledBackup', () => {
    const i = byPath(issuesOf(cnpg({}, { schedule: '0 2 * * *' })), 'pgfleet:databases[0].backup.schedule');
    expect(i.fix).toBe('CloudNativePG schedules start with a seconds field: write "0 0 2 * * *"');
  });

  test('fails for a Vault refreshInterval not shorter than the token TTL (the Indigo overlay had 672h)', () => {
    const i = byPath(
      issuesOf(
        cnpg(
          {},
          {
            credentials: {
              vault: {
                path: '/aws/creds/forgejo-db-backup',
                role: 'forgejo',
                refreshInterval: '672h',
                tokenTtl: '24h',
                server: 'https://vault:8200',
              },
            },
          },
        ),
      ),
      'pgfleet:databases[0].backup.credentials.vault.refreshInterval',
    );
    expect(i.allowed).toContain('shorter than the Vault token TTL (24h)');
    expect(i.fix).toContain('set refreshInterval below 24h');
  });

  test('fails for a secure (secret) value in pgfleet keys', () => {
    expect(byPath(issuesOf({ ...cnpg(), 'pgfleet:password': { secure: 'AAABAJ...' } }), 'pgfleet:password').allowed).toContain(
      'no secret values',
    );
  });

  test('ignores other providers keys', () => {
    expect(() => stackFrom({ ...cnpg(), 'kubernetes:context': 'indigo' })).not.toThrow();
  });
});

describe('stack files', () => {
  const dir = tempDir();
  const write = (name: string, text: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };

  test('takes the stack name from Pulumi.<stack>.yaml', () => {
    expect(stackNameOf('stacks/Pulumi.indigo-prod.yaml')).toBe('indigo-prod');
  });

  test('fails for YAML syntax errors with line and column', () => {
    const f = write('Pulumi.broken-dev.yaml', 'config:\n  pgfleet:namespace: [unclosed\n');
    expect(() => loadStack(f)).toThrow(ConfigError);
    try {
      loadStack(f);
    } catch (e) {
      expect((e as ConfigError).issues[0].path).toMatch(/^\(line \d+, column \d+\)$/);
      expect((e as ConfigError).message).not.toContain('    at ');
    }
  });

  test('fails for a file without config:', () => {
    const f = write('Pulumi.empty-dev.yaml', 'pgfleet:namespace: x\n');
    expect(() => loadStack(f)).toThrow(/put the pgfleet: keys under a top-level config: key/);
  });

  test('fails for a missing file', () => {
    expect(() => loadStack(path.join(dir, 'Pulumi.nope-dev.yaml'))).toThrow(/an existing stack file/);
  });
});

describe('cross-field rules', () => {
  test('fails for Vault credentials without a server anywhere', () => {
    const config = cnpg({}, { credentials: { vault: { path: '/aws/creds/x', role: 'x' } } });
    let issues: ConfigIssue[] = [];
    try {
      stackFrom(config);
    } catch (e) {
      issues = [...(e as ConfigError).issues];
    }
    expect(issues.map((i) => i.path)).toEqual(['pgfleet:databases[0].backup.credentials.vault.server']);
  });
});
