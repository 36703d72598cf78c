/**
 * The real tool: `patroni --validate-config` accepts the configuration pgfleet's StatefulSet
 * gives Patroni.
 *
 * The bcgov image's entrypoint (contrib/root/usr/bin/entrypoint.sh of bcgov/patroni-postgres-
 * container) writes a `patroni.yml` from the container environment — bootstrap (post_bootstrap
 * post_init.sh, pg_rewind, the POSTGRESQL_MAX_* parameters, initdb options, pg_hba with the
 * replication user and POD_IP), the REST API and PostgreSQL connect addresses from POD_IP, the
 * superuser and replication passwords — unsets those two passwords and starts Patroni, which
 * reads every other setting from the `PATRONI_*` variables (scope, name, Kubernetes DCS
 * namespace and labels, user names, listen addresses, data directory). `Config` applies those
 * variables over the file before validating, so running the validator on that file in that
 * environment checks exactly the configuration the container ends up with.
 *
 * The environment is the synthesized StatefulSet's: literal values as rendered, field refs as
 * the kubelet would fill them, Secret refs by fake credentials.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { describeWithTools, find, render, tempDir } from '../helpers';
import { containerOf, hcap, stackConfig } from '../engines/patroni-stack';

/** What the kubelet would put in each variable of the container. */
function resolveEnv(sts: Record<string, any>): Record<string, string> {
  const secrets: Record<string, string> = {
    'superuser-username': 'postgres',
    'superuser-password': 'Sup3r-secret',
    'replication-username': 'replication',
    'replication-password': 'R3pl-secret',
    'db-username': 'hcap',
    'db-password': 'App-secret',
  };
  const fields: Record<string, string> = {
    'status.podIP': '192.0.2.10',
    'metadata.name': `${sts.metadata.name}-0`,
    'metadata.namespace': sts.metadata.namespace,
  };
  const env: Record<string, string> = {};
  for (const e of containerOf(sts).env) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.fieldRef) env[e.name] = fields[e.valueFrom.fieldRef.fieldPath];
    else if (e.valueFrom?.secretKeyRef) env[e.name] = secrets[e.valueFrom.secretKeyRef.key];
    else throw new Error(`cannot resolve ${e.name}`);
    if (env[e.name] === undefined) throw new Error(`no test value for ${e.name}`);
  }
  return env;
}

/** The patroni.yml the bcgov entrypoint writes from `env`. */
function entrypointConfig(env: Record<string, string>): Record<string, unknown> {
  return {
    bootstrap: {
      post_bootstrap: '/usr/share/scripts/patroni/post_init.sh',
      dcs: {
        postgresql: {
          use_pg_rewind: true,
          parameters: {
            max_connections: Number(env.POSTGRESQL_MAX_CONNECTIONS ?? 100),
            max_prepared_transactions: Number(env.POSTGRESQL_MAX_PREPARED_TRANSACTIONS ?? 0),
            max_locks_per_transaction: Number(env.POSTGRESQL_MAX_LOCKS_PER_TRANSACTION ?? 64),
          },
        },
      },
      initdb: [{ 'auth-host': 'md5' }, { 'auth-local': 'trust' }, { encoding: 'UTF8' }, { locale: 'en_US.UTF-8' }, 'data-checksums'],
      pg_hba: ['host all all 0.0.0.0/0 md5', `host replication ${env.PATRONI_REPLICATION_USERNAME} ${env.POD_IP}/16    md5`],
    },
    restapi: { connect_address: `${env.POD_IP}:8008` },
    postgresql: {
      connect_address: `${env.POD_IP}:5432`,
      authentication: {
        superuser: { password: env.PATRONI_SUPERUSER_PASSWORD },
        replication: { password: env.PATRONI_REPLICATION_PASSWORD },
      },
    },
  };
}

describeWithTools(['patroni'], 'patroni --validate-config on the configuration pgfleet implies', () => {
  const dir = tempDir('pgfleet-patroni-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Writes the entrypoint's file for `sts`, then runs the validator in the container's environment. */
  function validate(sts: Record<string, any>, tweak: (env: Record<string, string>) => void = () => undefined) {
    const env = resolveEnv(sts);
    tweak(env);
    const file = path.join(dir, `${sts.metadata.namespace}-${sts.metadata.name}.yml`);
    fs.writeFileSync(file, stringify(entrypointConfig(env)));
    // As the entrypoint does before exec'ing Patroni.
    const { PATRONI_SUPERUSER_PASSWORD: _s, PATRONI_REPLICATION_PASSWORD: _r, ...container } = env;
    const r = spawnSync('patroni', ['--validate-config', file], {
      encoding: 'utf8',
      timeout: 30_000,
      env: {
        PATH: process.env.PATH,
        ...container,
        KUBERNETES_NAMESPACE: env.PATRONI_KUBERNETES_NAMESPACE,
        POD_NAME: env.PATRONI_NAME,
        // Patroni 3.0's validator requires authentication.rewind, which later releases made
        // optional (and which the image's Patroni 1.6 never needed); it is filled here only.
        PATRONI_REWIND_USERNAME: 'postgres',
        PATRONI_REWIND_PASSWORD: 'Sup3r-secret',
      },
    });
    return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
  }

  test('hcap-prod: the Kubernetes DCS configuration is valid', () => {
    const sts = find(render(stackConfig('hcap-prod'), { stack: 'hcap-prod' }), 'StatefulSet', 'hcap-patroni');
    expect(validate(sts)).toEqual({ status: 0, output: '' });
  });

  test('hcap-dev and a stack setting the bootstrap parameters are valid', () => {
    expect(validate(find(render(stackConfig('hcap-dev'), { stack: 'hcap-dev' }), 'StatefulSet', 'hcap-patroni'))).toEqual({
      status: 0,
      output: '',
    });
    const tuned = find(
      render(hcap({ platform: 'kubernetes', parameters: { maxConnections: 300, maxLocksPerTransaction: 128 } })),
      'StatefulSet',
      'hcap-patroni',
    );
    expect(resolveEnv(tuned).POSTGRESQL_MAX_CONNECTIONS).toBe('300');
    expect(validate(tuned)).toEqual({ status: 0, output: '' });
  });

  test('the validator reads the environment: without the DCS labels or with a loopback pod IP it fails', () => {
    const sts = find(render(stackConfig('hcap-prod'), { stack: 'hcap-prod' }), 'StatefulSet', 'hcap-patroni');
    const noLabels = validate(sts, (env) => delete env.PATRONI_KUBERNETES_LABELS);
    expect(noLabels.status).not.toBe(0);
    expect(noLabels.output).toContain('kubernetes.labels');
    const loopback = validate(sts, (env) => (env.POD_IP = '127.0.0.1'));
    expect(loopback.status).not.toBe(0);
    expect(loopback.output).toContain('connect_address');
  });
});
