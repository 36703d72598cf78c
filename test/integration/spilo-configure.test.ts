/**
 * What Spilo 2.1-p2 makes of the pods pgfleet's releases render: the real chart (helm template,
 * post-rendered) gives the container's environment, the real configure_spilo.py turns it into
 * the Patroni configuration, the WAL-G envdirs and the crontab (see spilo-configure.ts). A
 * restored or upgraded scope reads the source's prefix only through its clone envdir and
 * archives to its own; the labels and the major are the ones pgfleet relies on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { patroniValuesProblems, type PatroniChartValues } from '../../lib/engines/spilo/spilo-chart-values';
import { render } from '../helpers';
import { BUCKET, ciip, LIVE, restored, upgraded, valuesOf } from '../engines/spilo-stack';
import { helmTemplate } from './spilo-helm';
import { configureSpilo, containerEnv, describeWithSpilo, type SpiloConfiguration } from './spilo-configure';

const NS = 'wksv3k-prod';
const TARGET = '2022-06-05 08:00:00-08:00';
const LIVE_PREFIX = `gs://${BUCKET}/wal/${LIVE}`;

/** The env of release `release`'s container, as the chart renders it from pgfleet's values. */
function podEnv(values: PatroniChartValues, release: string): Record<string, string> {
  return containerEnv(
    helmTemplate(release, NS, [values as Record<string, unknown>], { postRender: true }).find('StatefulSet', release),
    NS,
  );
}

describeWithSpilo("Spilo 2.1-p2's configure_spilo.py on the pods the chart renders from pgfleet's values", () => {
  describe('a restore (PITR) beside the live scope', () => {
    let spilo: SpiloConfiguration;
    let values: PatroniChartValues;
    beforeAll(() => {
      values = valuesOf(render(restored({ targetTime: TARGET })), 'ciip-portal-r1');
      spilo = configureSpilo(podEnv(values, 'ciip-portal-r1'));
    });

    test('configures WAL-G archiving (exit 0) for the scope named after the generation', () => {
      expect(spilo.status).toBe(0);
      expect(spilo.patroni.scope).toBe('ciip-portal-r1');
      expect(spilo.patroni.namespace).toBe(NS);
    });

    test("bootstraps by cloning the live scope's archive up to the target time", () => {
      const cloneEnv = `${spilo.rw}/etc/wal-e.d/env-clone-${LIVE}`;
      expect(spilo.patroni.bootstrap.method).toBe('clone_with_wale');
      expect(spilo.patroni.bootstrap.clone_with_wale).toEqual({
        command: `envdir "${cloneEnv}" python3 /scripts/clone_with_wale.py --recovery-target-time="${TARGET}"`,
        recovery_conf: {
          restore_command: `envdir "${cloneEnv}" /scripts/restore_command.sh "%f" "%p"`,
          recovery_target_action: 'promote',
          recovery_target_time: TARGET,
          recovery_target_timeline: 'latest',
        },
      });
    });

    test("reads the source's prefix (the clone envdir) and writes its own (the archive envdir)", () => {
      expect(spilo.envdir(`env-clone-${LIVE}`)).toEqual({
        WALG_GS_PREFIX: LIVE_PREFIX,
        WALE_GS_PREFIX: LIVE_PREFIX,
        GOOGLE_APPLICATION_CREDENTIALS: '/etc/credentials/credentials.json',
        USE_WALG_BACKUP: 'true',
        USE_WALG_RESTORE: 'true',
        WALE_LOG_DESTINATION: 'stderr',
        TMPDIR: `${spilo.root}/home/postgres/pgdata/tmp`,
      });
      const own = spilo.envdir('env')!;
      expect(own.WALG_GS_PREFIX).toBe(`gs://${BUCKET}/wal/ciip-portal-r1`);
      expect(own.WALE_GS_PREFIX).toBe(`gs://${BUCKET}/wal/ciip-portal-r1`);
      expect(own.USE_WALG_BACKUP).toBe('true');
      expect(own.BACKUP_NUM_TO_RETAIN).toBe('90');
      expect(spilo.patroni.postgresql.parameters.archive_command).toBe(`envdir "${spilo.rw}/etc/wal-e.d/env" wal-g wal-push "%p"`);
      // Replicas of the new scope bootstrap from its own archive, never from the source's.
      expect(spilo.patroni.postgresql.wal_e.command).toBe(`envdir ${spilo.rw}/etc/wal-e.d/env bash /scripts/wale_restore.sh`);
      expect(spilo.patroni.postgresql.recovery_conf.restore_command).toBe(
        `envdir "${spilo.rw}/etc/wal-e.d/env" /scripts/restore_command.sh "%f" "%p"`,
      );
    });

    test("runs the source's major (PGVERSION pinned): no pg_upgrade on a restore", () => {
      expect(spilo.patroni.postgresql.bin_dir).toBe(`${spilo.root}/usr/lib/postgresql/12/bin`);
    });

    test("labels pods and DCS keys as pgfleet's NetworkPolicy and the chart's Services select them", () => {
      expect(spilo.patroni.kubernetes).toEqual({
        labels: { app: 'ciip-portal-r1', release: 'ciip-portal-r1' },
        scope_label: 'app',
        role_label: 'spilo-role',
        bypass_api_service: true,
      });
    });

    test("takes base backups on the stack's schedule", () => {
      expect(spilo.crontab.split('\n')).toContain(
        `0 1 * * * envdir "${spilo.rw}/etc/wal-e.d/env" /scripts/postgres_backup.sh "${spilo.root}/home/postgres/pgdata/pgroot/data"`,
      );
    });

    test('rejects every connection without TLS, with a self-signed certificate (consumers need sslmode=require)', () => {
      const p = spilo.patroni.postgresql;
      expect(p.parameters.ssl).toBe('on');
      expect(p.pg_hba.map((l: string) => l.split(/\s+/).join(' '))).toEqual([
        'local all all trust',
        'host all all 127.0.0.1/32 md5',
        'host all all ::1/128 md5',
        'local replication standby trust',
        'hostssl replication standby all md5',
        'hostnossl all all all reject',
        'hostssl all all all md5',
      ]);
      expect(fs.readFileSync(p.parameters.ssl_cert_file, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(path.dirname(p.parameters.ssl_key_file)).toBe(`${spilo.rw}/certs`);
    });
  });

  test('a blue/green upgrade clones the live archive to its end and runs the new major', () => {
    const values = valuesOf(render(upgraded()), 'ciip-portal-pg14');
    const spilo = configureSpilo(podEnv(values, 'ciip-portal-pg14'));
    expect(spilo.status).toBe(0);
    expect(spilo.patroni.bootstrap.clone_with_wale.command).toBe(
      `envdir "${spilo.rw}/etc/wal-e.d/env-clone-${LIVE}" python3 /scripts/clone_with_wale.py --recovery-target-time=""`,
    );
    expect(spilo.patroni.bootstrap.clone_with_wale.recovery_conf.recovery_target_time).toBeUndefined();
    expect(spilo.envdir(`env-clone-${LIVE}`)!.WALG_GS_PREFIX).toBe(LIVE_PREFIX);
    expect(spilo.envdir('env')!.WALG_GS_PREFIX).toBe(`gs://${BUCKET}/wal/ciip-portal-pg14`);
    // The binaries of PGVERSION 14: clone_with_wale's maybe_pg_upgrade upgrades the 12 copy.
    expect(spilo.patroni.postgresql.bin_dir).toBe(`${spilo.root}/usr/lib/postgresql/14/bin`);
  });

  test('the live scope bootstraps with initdb and archives to its own prefix only', () => {
    const spilo = configureSpilo(podEnv(valuesOf(render(ciip()), LIVE), LIVE));
    expect(spilo.status).toBe(0);
    expect(spilo.patroni.bootstrap.method).toBeUndefined();
    expect(spilo.patroni.bootstrap.initdb).toEqual([{ encoding: 'UTF8' }, { locale: 'en_US.UTF-8' }, 'data-checksums']);
    expect(fs.readdirSync(`${spilo.rw}/etc/wal-e.d`)).toEqual(['env']);
    expect(spilo.envdir('env')!.WALG_GS_PREFIX).toBe(LIVE_PREFIX);
  });

  test('fails: a clone without a prefix (values pgfleet refuses) makes Spilo warn and run initdb', () => {
    const values = valuesOf(render(restored({ targetTime: TARGET })), 'ciip-portal-r1');
    const { CLONE_WALG_GS_PREFIX: _g, CLONE_WALE_GS_PREFIX: _e, ...env } = values.env!;
    const broken = { ...values, env };
    expect(patroniValuesProblems(broken)).toEqual([
      "env.CLONE_WALG_GS_PREFIX: the source's WAL prefix: without it Spilo skips the clone and runs initdb",
    ]);
    const spilo = configureSpilo(podEnv(broken, 'ciip-portal-r1'));
    expect(spilo.log).toContain(
      'Cloning with WAL-E is only possible when CLONE_WALE_*_PREFIX or CLONE_WALG_*_PREFIX or CLONE_WAL_*_BUCKET and CLONE_SCOPE are set.',
    );
    expect(spilo.patroni.bootstrap.method).toBeUndefined();
    expect(spilo.patroni.bootstrap.clone_with_wale).toBeUndefined();
  });

  test('fails: a PGVERSION the image lacks silently runs its newest binaries (hence image.maxPostgresVersion)', () => {
    const values = valuesOf(render(ciip()), LIVE);
    const spilo = configureSpilo(podEnv(values, LIVE), [14]);
    expect(values.env!.PGVERSION).toBe('12');
    expect(spilo.status).toBe(0);
    expect(spilo.patroni.postgresql.bin_dir).toBe(`${spilo.root}/usr/lib/postgresql/14/bin`);
  });
});
