/**
 * CloudNativePG engine: what the operator's webhook (v1.30) would refuse is refused at synth, with
 * the fix; and the S3 endpoint reaches every Barman configuration.
 */
import { find, issuesOf, render, renderAfter } from '../helpers';
import { forgejo, restored } from './cnpg-stack';

const P = 'pgfleet:databases[0]';
const inTree = (extra: Record<string, unknown> = {}) => ({ method: 'barmanObjectStore', ...extra });

describe('CloudNativePG engine: what the webhook admits', () => {
  describe('an S3-compatible endpoint (MinIO, Ceph)', () => {
    const endpointURL = 'https://minio.indigo.example:9000';

    test('reaches the plugin ObjectStore', () => {
      const r = render(forgejo({}, { endpointURL }));
      expect(find(r, 'ObjectStore', 'forgejo-backups').spec.configuration.endpointURL).toBe(endpointURL);
    });

    test("reaches the in-tree barmanObjectStore and the restore's externalClusters", () => {
      const backup = { ...(forgejo()['pgfleet:databases'][0] as { backup: object }).backup, ...inTree({ endpointURL }) };
      const r = render(restored({ targetTime: '2026-11-20T08:00:00Z' }, { backup }));
      expect(find(r, 'Cluster', 'forgejo-db').spec.backup.barmanObjectStore.endpointURL).toBe(endpointURL);
      const r1 = find(r, 'Cluster', 'forgejo-db-r1');
      expect(r1.spec.backup.barmanObjectStore.endpointURL).toBe(endpointURL);
      expect(r1.spec.externalClusters[0].barmanObjectStore.endpointURL).toBe(endpointURL);
    });

    test('without one, no endpoint is written (AWS S3)', () => {
      expect(find(render(forgejo()), 'ObjectStore', 'forgejo-backups').spec.configuration).not.toHaveProperty('endpointURL');
    });
  });

  describe('parameters (validateConfiguration)', () => {
    test('fails for parameters the operator sets or blocks itself, naming what it does instead', () => {
      const i = issuesOf(() =>
        render(
          forgejo({
            parameters: { archive_command: '/bin/true', listen_addresses: '*', recovery_target_time: '2026-11-20', Port: '5433' },
          }),
        ),
      );
      expect(i).toEqual([
        {
          path: `${P}.parameters.archive_command`,
          value: '/bin/true',
          allowed:
            'a parameter CloudNativePG does not set or block itself: CloudNativePG archives WAL itself, through the Barman Cloud plugin or barmanObjectStore (backup.*)',
          fix: 'remove archive_command',
        },
        {
          path: `${P}.parameters.listen_addresses`,
          value: '*',
          allowed:
            'a parameter CloudNativePG does not set or block itself: the operator manages the listening socket, TLS, files and paths of every instance',
          fix: 'remove listen_addresses',
        },
        {
          path: `${P}.parameters.recovery_target_time`,
          value: '2026-11-20',
          allowed:
            'a parameter CloudNativePG does not set or block itself: a restore target goes into generations[].restoreFrom (targetTime, targetLSN, targetName)',
          fix: 'remove recovery_target_time',
        },
        {
          path: `${P}.parameters.Port`,
          value: '5433',
          allowed:
            'a parameter CloudNativePG does not set or block itself: the operator manages the listening socket, TLS, files and paths of every instance',
          fix: 'remove Port',
        },
      ]);
    });

    test("admits a fixed parameter at exactly the operator's own value, as the webhook does", () => {
      const c = find(render(forgejo({ parameters: { archive_mode: 'on', logging_collector: 'on' } })), 'Cluster', 'forgejo-db');
      expect(c.spec.postgresql.parameters).toEqual({ archive_mode: 'on', logging_collector: 'on' });
      expect(issuesOf(() => render(forgejo({ parameters: { archive_mode: 'always' } })))[0].path).toBe(`${P}.parameters.archive_mode`);
    });

    test('fails for a name PostgreSQL does not have', () => {
      expect(issuesOf(() => render(forgejo({ parameters: { 'work mem': '64MB', 'a.b.c': '1' } })))).toEqual(
        ['work mem', 'a.b.c'].map((key) => ({
          path: `${P}.parameters[${JSON.stringify(key)}]`,
          value: key === 'a.b.c' ? '1' : '64MB',
          allowed:
            'a PostgreSQL parameter name: letters, digits, "_" and "$", starting with a letter or "_", optionally a second such part after one "." (e.g. pg_stat_statements.max)',
          fix: `check the spelling of ${JSON.stringify(key)} against the PostgreSQL documentation`,
        })),
      );
      expect(
        find(render(forgejo({ parameters: { 'pg_stat_statements.max': '10000' } })), 'Cluster', 'forgejo-db').spec.postgresql.parameters,
      ).toMatchObject({ 'pg_stat_statements.max': '10000' });
    });

    test('fails for wal_level minimal (pgfleet always archives) and unknown levels', () => {
      const level = (wal_level: string) => issuesOf(() => render(forgejo({ parameters: { wal_level, max_wal_senders: '0' } })));
      expect(level('minimal')).toEqual([
        {
          path: `${P}.parameters.wal_level`,
          value: 'minimal',
          allowed:
            'replica or logical: pgfleet archives the WAL of every cluster, and CloudNativePG refuses minimal when archive_mode is on',
          fix: 'remove wal_level (CloudNativePG defaults to logical), or set replica',
        },
      ]);
      expect(level('hot_standby')[0].allowed).toBe(
        'replica or logical (CloudNativePG knows logical, replica and minimal, and minimal cannot archive)',
      );
      expect(
        find(render(forgejo({ parameters: { wal_level: 'replica' } })), 'Cluster', 'forgejo-db').spec.postgresql.parameters,
      ).toMatchObject({ wal_level: 'replica' });
    });

    test('fails for wal_log_hints off with replicas, and for booleans PostgreSQL cannot read', () => {
      expect(
        issuesOf(() => render(forgejo({ instances: 2, parameters: { wal_log_hints: 'off', hot_standby_feedback: 'enabled' } }))),
      ).toEqual([
        {
          path: `${P}.parameters.hot_standby_feedback`,
          value: 'enabled',
          allowed: 'a PostgreSQL boolean: on, off, true, false, yes, no, 1 or 0 (or an unambiguous prefix of one)',
          fix: 'write "on" or "off"',
        },
        {
          path: `${P}.parameters.wal_log_hints`,
          value: 'off',
          allowed:
            'on with 2 instances: a former primary rejoins as a replica through pg_rewind, which needs wal_log_hints, and CloudNativePG refuses off',
          fix: 'remove wal_log_hints (CloudNativePG defaults to on), or set instances: 1',
        },
      ]);
      expect(
        find(render(forgejo({ instances: 1, parameters: { wal_log_hints: 'fal' } })), 'Cluster', 'forgejo-db').spec.postgresql.parameters,
      ).toMatchObject({ wal_log_hints: 'fal' });
    });

    test('fails for a shared_buffers the webhook cannot parse', () => {
      for (const ok of ['512MB', '2GB', '128', '1.5GB', '8kB', '512 MB']) {
        expect(
          find(render(forgejo({ parameters: { shared_buffers: ok } })), 'Cluster', 'forgejo-db').spec.postgresql.parameters,
        ).toMatchObject({ shared_buffers: ok });
      }
      expect(issuesOf(() => render(forgejo({ parameters: { shared_buffers: '512mb' } })))).toEqual([
        {
          path: `${P}.parameters.shared_buffers`,
          value: '512mb',
          allowed: 'a size as CloudNativePG reads it: a number with kB, MB, GB or TB (e.g. 512MB), or a bare number of MB',
          fix: 'write it with an upper-case unit ending in B, e.g. 512MB or 2GB',
        },
      ]);
    });

    test('fails for max_wal_size at or below the default min_wal_size of 80MB', () => {
      expect(issuesOf(() => render(forgejo({ parameters: { max_wal_size: '64MB' } })))).toEqual([
        {
          path: `${P}.parameters.max_wal_size`,
          value: '64MB',
          allowed: 'min_wal_size (80MB, the default) below max_wal_size (64MB): CloudNativePG refuses min_wal_size ≥ max_wal_size',
          fix: 'raise max_wal_size above 80MB, or also set min_wal_size below it',
        },
      ]);
      const both = issuesOf(() => render(forgejo({ parameters: { min_wal_size: '2GB', max_wal_size: '2GB' } })));
      expect(both.map((x) => [x.path, x.allowed])).toEqual([
        [`${P}.parameters.min_wal_size`, 'min_wal_size (2GB) below max_wal_size (2GB): CloudNativePG refuses min_wal_size ≥ max_wal_size'],
      ]);
      expect(
        find(render(forgejo({ parameters: { min_wal_size: '32MB', max_wal_size: '64MB' } })), 'Cluster', 'forgejo-db').spec.postgresql
          .parameters,
      ).toMatchObject({ min_wal_size: '32MB', max_wal_size: '64MB' });
    });
  });

  describe('versions, update strategy and restore points', () => {
    test('fails for PostgreSQL 12, on the database and on a generation', () => {
      const i = issuesOf(() => render(forgejo({ postgresVersion: 12, generations: [{ name: 'forgejo-db', postgresVersion: 12 }] })));
      expect(i.map((x) => x.path)).toEqual([`${P}.postgresVersion`, `${P}.generations[0].postgresVersion`]);
      expect(i[0]).toEqual({
        path: `${P}.postgresVersion`,
        value: 12,
        allowed: 'PostgreSQL 13 or newer: CloudNativePG 1.30 runs no older major',
        fix: 'set postgresVersion 13 or newer (a generation migrated from another engine may take a newer major in the same step); data that must stay on 12 stays on another engine (crunchy, spilo, patroni or standalone)',
      });
    });

    test('fails for an in-place upgrade to 14 or 15, which the webhook refuses; 16 and later pass', () => {
      expect(issuesOf(() => renderAfter(forgejo({ postgresVersion: 14 }), forgejo({ postgresVersion: 15 })))).toEqual([
        {
          path: `${P}.postgresVersion`,
          value: 15,
          allowed: '16 or newer as the target of an in-place upgrade from 14: CloudNativePG refuses upgrades to 14 and 15',
          fix: 'set postgresVersion: 16 or newer (pg_upgrade goes from 14 straight there), or keep 14',
        },
      ]);
      const up = renderAfter(forgejo({ postgresVersion: 14 }), forgejo({ postgresVersion: 16, acknowledge: ['irreversible:forgejo-db'] }));
      expect(find(up, 'Cluster', 'forgejo-db').spec.imageCatalogRef.major).toBe(16);
    });

    test('fails for supervised primary updates with a single instance', () => {
      expect(issuesOf(() => render(forgejo({ primaryUpdateStrategy: 'supervised' })))).toEqual([
        {
          path: `${P}.primaryUpdateStrategy`,
          value: 'supervised',
          allowed:
            'unsupervised with one instance: supervised waits for a manual switchover to a replica, there is none, and CloudNativePG refuses it',
          fix: 'set primaryUpdateStrategy: unsupervised, or instances: 2 or more',
        },
      ]);
      const two = find(render(forgejo({ primaryUpdateStrategy: 'supervised', instances: 2 })), 'Cluster', 'forgejo-db');
      expect(two.spec.primaryUpdateStrategy).toBe('supervised');
    });

    test('fails for a restore point name of 64 bytes or more, or with control characters', () => {
      const name = (targetName: string) => issuesOf(() => render(restored({ targetName, backupID: '20261120T000003' })));
      const path = `${P}.generations[1].restoreFrom.targetName`;
      // 32 two-byte characters: 32 characters, 64 bytes.
      expect(name('é'.repeat(32))).toEqual([
        {
          path,
          value: 'é'.repeat(32),
          allowed:
            'a restore point name of at most 63 bytes (this one has 64): PostgreSQL creates no longer restore point, and CloudNativePG refuses the name',
          fix: 'use the name exactly as it was given to pg_create_restore_point()',
        },
      ]);
      expect(name('before\tmigration')).toEqual([
        {
          path,
          value: 'before\tmigration',
          allowed: 'a restore point name without control characters (newline, tab, ...): CloudNativePG refuses them',
          fix: 'remove them from the name',
        },
      ]);
      const ok = find(render(restored({ targetName: 'x'.repeat(63), backupID: '20261120T000003' })), 'Cluster', 'forgejo-db-r1');
      expect(ok.spec.bootstrap.recovery.recoveryTarget.targetName).toHaveLength(63);
    });
  });
});
