/** Spilo engine: the schema of the patroni chart's values and pgfleet's rules on them. */
import { patroniChartValues, patroniValuesProblems, type PatroniChartValues } from '../../lib/engines/spilo/spilo-chart-values';
import { render } from '../helpers';
import { BUCKET, LIVE, restored, valuesOf } from './spilo-stack';

describe('Spilo engine', () => {
  describe('chart values schema', () => {
    const good = valuesOf(render(restored({ targetTime: '2022-06-05 08:00:00-08:00' })), 'ciip-portal-r1');
    const problems = (v: unknown) => patroniValuesProblems(v as PatroniChartValues);

    test('rejects a misspelled key and a wrong type, as helm install would not', () => {
      const typo = patroniChartValues.safeParse({ walE: { gcsBuckett: BUCKET } });
      expect(typo.success).toBe(false);
      expect(typo.error!.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['gcsBuckett'], path: ['walE'] });
      expect(patroniChartValues.safeParse({ replicaCount: '3' }).success).toBe(false);
      expect(patroniChartValues.safeParse({ persistentVolume: { size: 'ten gigs' } }).success).toBe(false);
      expect(patroniChartValues.safeParse({ walE: { scheduleCronJob: '0 0 1 * * *' } }).success).toBe(false);
    });

    test("accepts the chart's own defaults", () => {
      expect(
        patroniChartValues.safeParse({
          replicaCount: 5,
          credentials: { random: false, superuser: 'tea', admin: 'cola', standby: 'pinacolada' },
          kubernetes: { dcs: { enable: true }, configmaps: { enable: false } },
          walE: {
            enable: false,
            scheduleCronJob: '00 01 * * *',
            retainBackups: 2,
            s3Bucket: null,
            gcsBucket: null,
            gcsBucketBackupLocation: 'wal',
            kubernetesSecret: null,
            backupThresholdMegabytes: 1024,
            backupThresholdPercentage: 30,
          },
          persistentVolume: {
            enabled: true,
            size: '1G',
            subPath: '',
            mountPath: '/home/postgres/pgdata',
            annotations: {},
            accessModes: ['ReadWriteOnce'],
          },
          resources: {},
          nodeSelector: {},
          tolerations: [],
          affinity: {},
          rbac: { create: true },
          serviceAccount: { create: true, name: null },
        }).success,
      ).toBe(true);
    });

    test('refuses the DCS stores other than Kubernetes and the keys no template reads', () => {
      for (const [key, value] of [
        ['etcd', { enable: false, deployChart: false, host: null, discovery: null }],
        ['zookeeper', { enable: false }],
        ['consul', { hosts: 'consul:8500' }],
        ['postgresql', { callbacks: { on_role_change: '/bin/true' } }],
      ] as const) {
        const r = patroniChartValues.safeParse({ [key]: value });
        expect(r.error?.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: [key], path: [] })]);
      }
    });

    test('a clone without its prefix or scope is an error (Spilo would run initdb)', () => {
      expect(problems(good)).toEqual([]);
      const { CLONE_WALG_GS_PREFIX: _p, CLONE_WALE_GS_PREFIX: _q, ...noPrefix } = good.env!;
      expect(problems({ ...good, env: noPrefix })).toEqual([
        "env.CLONE_WALG_GS_PREFIX: the source's WAL prefix: without it Spilo skips the clone and runs initdb",
      ]);
      const { CLONE_SCOPE: _s, ...noScope } = good.env!;
      expect(problems({ ...good, env: noScope })).toEqual([
        'env.CLONE_SCOPE: the source scope: without it Spilo skips the clone and runs initdb',
      ]);
    });

    test('a clone that reads its own archive, a zone-less target or a stray CLONE_ variable is an error', () => {
      expect(problems({ ...good, env: { ...good.env, CLONE_WALG_GS_PREFIX: `gs://${BUCKET}/wal/ciip-portal-r1/` } })[0]).toMatch(
        /^env.CLONE_WALG_GS_PREFIX: another prefix than this release's own archive/,
      );
      expect(problems({ ...good, env: { ...good.env, CLONE_WALE_GS_PREFIX: `gs://${BUCKET}/wal/other` } })).toEqual([
        `env.CLONE_WALE_GS_PREFIX: equal to CLONE_WALG_GS_PREFIX (gs://${BUCKET}/wal/ciip-portal-patroni): one source archive`,
      ]);
      expect(problems({ ...good, env: { ...good.env, CLONE_TARGET_TIME: '2022-06-05 08:00:00' } })).toEqual([
        'env.CLONE_TARGET_TIME: a time with an explicit offset (Spilo refuses times without a zone)',
      ]);
      expect(problems({ ...good, env: { PGVERSION: '12', CLONE_SCOPE: LIVE } })).toEqual([
        'env.CLONE_SCOPE: absent without CLONE_METHOD: Spilo ignores it',
      ]);
    });

    test('passwords in values, WAL-G off or an unpinned PGVERSION are errors', () => {
      expect(problems({ ...good, credentials: { random: true, superuser: 'tea' } })).toEqual([
        "credentials.superuser: absent: no password in values (they are written to dist/ and Helm's release history)",
      ]);
      expect(problems({ ...good, walE: { ...good.walE, enable: false } })).toEqual([
        'walE.enable: true: restores and upgrades clone from WAL-G backups',
      ]);
      const { PGVERSION: _v, ...unpinned } = good.env!;
      expect(problems({ ...good, env: unpinned })[0]).toMatch(/^env.PGVERSION: the major version, pinned/);
    });
  });
});
