/**
 * Crunchy PGO engine: what PGO and pgBackRest accept. A restore to a named restore point starts
 * from the backup set the stack names, and the parameters PGO's CRD refuses are refused at synth
 * (pgfleet passes them through Patroni, where the API server does not check them).
 */
import * as path from 'node:path';
import { CrdCatalog } from '../../lib/outputs/validate/crd-catalog';
import { celPlanOf } from '../../lib/outputs/validate/cel-plan';
import { refusedBy } from '../../lib/engines/crunchy/crunchy-parameters';
import { find, issuesOf, render, ROOT, validator } from '../helpers';
import { CLONE, LIVE, jobstore } from './crunchy-stack';

const P = 'pgfleet:databases[0]';
const named = (restoreFrom: Record<string, unknown>) =>
  jobstore('prod', {
    generations: [{ name: LIVE }, { name: CLONE, restoreFrom: { generation: LIVE, targetName: 'before-migration-42', ...restoreFrom } }],
    serving: LIVE,
  });

describe('Crunchy PGO engine: what PGO and pgBackRest accept', () => {
  describe('the backup set of a restore', () => {
    test('fails for a named restore point without a backup set, which pgBackRest would take from the newest backup', () => {
      expect(issuesOf(() => render(named({})))).toEqual([
        {
          path: `${P}.generations[1].restoreFrom.backupSet`,
          value: undefined,
          allowed:
            'a backupSet with targetName: pgBackRest starts a restore to a named restore point from the newest backup set, which may have ended after the restore point was written',
          fix: `add backupSet: the label of the newest backup of ${LIVE} that ended before the restore point was created, as \`pgbackrest info\` in its database container lists it (e.g. 20261120-010003F)`,
        },
      ]);
    });

    test('renders --set after the target, for a new generation and in place', () => {
      const options = (r: ReturnType<typeof render>, name: string) => find(r, 'PostgresCluster', name).spec;
      expect(options(render(named({ backupSet: '20240205-020004F_20240206-011502I' })), CLONE).dataSource.postgresCluster.options).toEqual([
        '--type=name',
        '--target="before-migration-42"',
        '--set=20240205-020004F_20240206-011502I',
      ]);
      const time = jobstore('prod', {
        generations: [
          { name: LIVE },
          { name: CLONE, restoreFrom: { generation: LIVE, targetTime: '2024-02-06T19:50:11Z', backupSet: '20240205-020004F' } },
        ],
        serving: LIVE,
      });
      expect(options(render(time), CLONE).dataSource.postgresCluster.options).toEqual([
        '--type=time',
        '--target="2024-02-06 19:50:11+00:00"',
        '--set=20240205-020004F',
      ]);
      const inPlace = jobstore('prod', {
        generations: [{ name: LIVE, restoreInPlace: { id: 'undo-42', targetName: 'before-migration-42', backupSet: '20240205-020004F' } }],
        acknowledge: [`destroys-data:${LIVE}`],
      });
      expect(options(render(inPlace), LIVE).backups.pgbackrest.restore.options).toEqual([
        '--type=name',
        '--target="before-migration-42"',
        '--set=20240205-020004F',
      ]);
    });

    test('fails for an in-place named restore without a set, and for a label pgBackRest does not write', () => {
      const inPlace = (r: Record<string, unknown>) =>
        jobstore('prod', {
          generations: [{ name: LIVE, restoreInPlace: { id: 'undo-42', targetName: 'before-migration-42', ...r } }],
          acknowledge: [`destroys-data:${LIVE}`],
        });
      expect(issuesOf(() => render(inPlace({}))).map((i) => [i.path, i.fix])).toEqual([
        [
          `${P}.generations[0].restoreInPlace.backupSet`,
          'add backupSet: the label of the newest backup of this generation that ended before the restore point was created, as `pgbackrest info` in its database container lists it (e.g. 20261120-010003F)',
        ],
      ]);
      expect(issuesOf(() => render(inPlace({ backupSet: '20240205T020004' })))).toEqual([
        {
          path: `${P}.generations[0].restoreInPlace.backupSet`,
          value: '20240205T020004',
          allowed: 'a pgBackRest backup label such as 20261120-010003F or 20261120-010003F_20261121-010002I (`pgbackrest info`)',
          fix: expect.any(String),
        },
      ]);
    });

    test('fails for a restore point name PostgreSQL cannot have created (64 characters or more)', () => {
      expect(issuesOf(() => render(named({ targetName: 'r'.repeat(64), backupSet: '20240205-020004F' })))).toEqual([
        {
          path: `${P}.generations[1].restoreFrom.targetName`,
          value: 'r'.repeat(64),
          allowed: 'a restore point name of at most 63 characters (this one has 64): PostgreSQL creates no longer one',
          fix: 'use the name exactly as it was given to pg_create_restore_point()',
        },
      ]);
    });
  });

  describe('parameters, as the CRD rules on spec.config.parameters refuse them', () => {
    test('fails for the parameters the earlier list let through to Patroni', () => {
      const params = {
        config_file: '/x',
        hba_file: '/x',
        cluster_name: 'x',
        wal_log_hints: 'off',
        synchronous_standby_names: '*',
        work_mem: '8MB',
      };
      expect(issuesOf(() => render(jobstore('prod', { parameters: params })))).toEqual([
        {
          path: `${P}.parameters.config_file`,
          value: '/x',
          allowed: 'a parameter PGO accepts: cannot change PGDATA path: config_file, data_directory',
          fix: 'remove config_file',
        },
        {
          path: `${P}.parameters.hba_file`,
          value: '/x',
          allowed: 'a parameter PGO accepts: cannot change authentication path: hba_file, ident_file',
          fix: 'remove hba_file',
        },
        {
          path: `${P}.parameters.cluster_name`,
          value: 'x',
          allowed: 'a parameter PGO accepts: cluster_name is derived from the PostgresCluster name',
          fix: 'remove cluster_name',
        },
        {
          path: `${P}.parameters.wal_log_hints`,
          value: 'off',
          allowed: 'a parameter PGO accepts: wal_log_hints are always enabled',
          fix: 'remove wal_log_hints',
        },
        {
          path: `${P}.parameters.synchronous_standby_names`,
          value: '*',
          allowed: 'a parameter PGO accepts: Patroni writes synchronous_standby_names itself (its synchronous_mode)',
          fix: 'remove synchronous_standby_names',
        },
      ]);
    });

    test("refuses exactly what the pinned CRD's own rules refuse, for every parameter they name", () => {
      const crd = new CrdCatalog([path.join(ROOT, 'crds')]).find('postgres-operator.crunchydata.com', 'v1beta1', 'PostgresCluster');
      if (!crd || 'served' in crd) throw new Error('no PostgresCluster v1beta1 in crds/');
      const rules = JSON.stringify(celPlanOf(crd.group, crd.version, crd.kind, crd.schema));
      // Every name a rule tests, and for each prefix rule a name with that prefix.
      const named = [...rules.matchAll(/has\(self\.(?:config\.parameters\.)?([a-z_]+)\)|k == \\?'([a-z_]+)\\?'/g)].map((m) => m[1] ?? m[2]);
      const prefixed = [...rules.matchAll(/startsWith\(\\"([a-z_]+)\\"\)/g)].map((m) => `${m[1]}x`);
      const names = [
        ...new Set([...named, ...prefixed, 'work_mem', 'archive_timeout', 'hot_standby_feedback', 'log_min_duration_statement']),
      ];
      expect(names).toEqual(expect.arrayContaining(['cluster_name', 'wal_log_hints', 'ssl_groups', 'recovery_target_x', 'unix_socket_x']));
      const base = find(render(jobstore('prod')), 'PostgresCluster', LIVE);
      const disagree: string[] = [];
      for (const postgresVersion of [17, 18]) {
        for (const key of names.filter((n) => !['config', 'parameters', 'postgresVersion'].includes(n))) {
          for (const value of key === 'wal_level' ? ['logical', 'replica'] : ['x']) {
            const c = { ...base, spec: { ...base.spec, postgresVersion, config: { parameters: { [key]: value } } } };
            const byCrd = validator().validate([c]).length > 0;
            if (byCrd !== refusedBy(key, value, postgresVersion).length > 0)
              disagree.push(`${key}=${value} on ${postgresVersion}: CRD ${byCrd}`);
          }
        }
      }
      expect(disagree).toEqual([]);
    });

    test('passes what the CRD allows: wal_level logical, ssl_ecdh_curve, and ssl_groups from PostgreSQL 18 on', () => {
      const ok = { wal_level: 'logical', ssl_ecdh_curve: 'prime256v1', work_mem: '8MB' };
      expect(
        find(render(jobstore('prod', { parameters: ok })), 'PostgresCluster', LIVE).spec.patroni.dynamicConfiguration.postgresql.parameters,
      ).toEqual(ok);
      expect(
        find(render(jobstore('prod', { postgresVersion: 18, parameters: { ssl_groups: 'X25519' } })), 'PostgresCluster', LIVE).spec.patroni
          .dynamicConfiguration.postgresql.parameters,
      ).toMatchObject({ ssl_groups: 'X25519' });
      expect(
        issuesOf(() => render(jobstore('prod', { parameters: { ssl_groups: 'X25519', wal_level: 'replica', SSL_Ciphers: 'HIGH' } }))),
      ).toEqual([
        {
          path: `${P}.parameters.ssl_groups`,
          value: 'X25519',
          allowed: 'a parameter PGO accepts: The ssl_groups parameter is only available in pg18 and greater',
          fix: 'remove ssl_groups until every generation runs PostgreSQL 18 (use ssl_ecdh_curve below 18)',
        },
        {
          path: `${P}.parameters.wal_level`,
          value: 'replica',
          allowed: 'a parameter PGO accepts: wal_level must be "replica" or higher',
          fix: 'remove wal_level: PGO sets logical',
        },
        {
          path: `${P}.parameters.SSL_Ciphers`,
          value: 'HIGH',
          allowed: 'a parameter PGO accepts: TLS is always enabled',
          fix: 'remove SSL_Ciphers: PGO configures TLS with its own certificates (only ssl_ecdh_curve and ssl_groups may be set)',
        },
      ]);
    });
  });
});
