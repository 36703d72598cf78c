/**
 * The PostgreSQL parameters PGO refuses, as the CEL rules of the pinned CRD (PGO 5.8.9,
 * `spec.config.parameters`, `x-kubernetes-validations`) refuse them. pgfleet renders parameters
 * into `patroni.dynamicConfiguration`, which PGO also reads (below `spec.config.parameters`, above
 * its defaults: `generatePostgresParameters`, internal/controller/postgrescluster/postgres.go) but
 * which the API server does not check: without these rules `cluster_name`, `hba_file` or
 * `wal_log_hints` would reach Patroni unchecked. A test evaluates the CRD's own rules against this
 * table, so a new pin with new rules fails until it is ported.
 *
 * @see https://github.com/CrunchyData/postgres-operator/blob/v5.8.9/pkg/apis/postgres-operator.crunchydata.com/v1beta1/config_types.go
 */

/** One CEL rule of `spec.config.parameters`, as a predicate over a parameter. */
export interface ParameterRule {
  /** Whether the rule refuses this parameter (`key` lower-cased, as PGO normalizes names). */
  readonly refuses: (key: string, value: string, postgresVersion: number) => boolean;
  /** The CEL rule's message, or what the operator does instead where the rule has none. */
  readonly message: string;
  /** What to do instead. */
  readonly fix: string;
}

const only =
  (...names: string[]) =>
  (k: string) =>
    names.includes(k);
const REMOVE = 'remove it';

/** The rules in the order of the CRD. */
const PGO_PARAMETER_RULES: readonly ParameterRule[] = [
  { refuses: only('config_file', 'data_directory'), message: 'cannot change PGDATA path: config_file, data_directory', fix: REMOVE },
  { refuses: only('external_pid_file'), message: 'cannot change external_pid_file', fix: REMOVE },
  { refuses: only('hba_file', 'ident_file'), message: 'cannot change authentication path: hba_file, ident_file', fix: REMOVE },
  { refuses: only('listen_addresses'), message: 'network connectivity is always enabled: listen_addresses', fix: REMOVE },
  { refuses: only('port'), message: 'change port using .spec.port instead', fix: 'remove it: the database listens on 5432' },
  {
    refuses: (k) => k === 'ssl' || (k.startsWith('ssl_') && k !== 'ssl_groups' && k !== 'ssl_ecdh_curve'),
    message: 'TLS is always enabled',
    fix: 'remove it: PGO configures TLS with its own certificates (only ssl_ecdh_curve and ssl_groups may be set)',
  },
  { refuses: (k) => k.startsWith('unix_socket_'), message: 'domain socket paths cannot be changed', fix: REMOVE },
  {
    refuses: (k, v) => k === 'wal_level' && v !== 'logical',
    message: 'wal_level must be "replica" or higher',
    fix: 'remove it: PGO sets logical',
  },
  { refuses: only('wal_log_hints'), message: 'wal_log_hints are always enabled', fix: REMOVE },
  {
    refuses: only('archive_mode', 'archive_command', 'restore_command'),
    message: 'PGO archives WAL to the pgBackRest repositories itself',
    fix: 'remove it; backups go in backups.repos',
  },
  {
    refuses: (k) => k === 'recovery_target' || k.startsWith('recovery_target_'),
    message: 'PGO writes the recovery target of a restore itself',
    fix: 'remove it; a restore target goes into generations[].restoreFrom or restoreInPlace (targetTime, targetLSN, targetName)',
  },
  { refuses: only('hot_standby'), message: 'hot_standby is always enabled', fix: REMOVE },
  {
    refuses: only('synchronous_standby_names'),
    message: 'Patroni writes synchronous_standby_names itself (its synchronous_mode)',
    fix: REMOVE,
  },
  {
    refuses: only('primary_conninfo', 'primary_slot_name'),
    message: 'Patroni sets up streaming replication itself',
    fix: REMOVE,
  },
  { refuses: only('recovery_min_apply_delay'), message: 'delayed replication is not supported at this time', fix: REMOVE },
  { refuses: only('cluster_name'), message: 'cluster_name is derived from the PostgresCluster name', fix: REMOVE },
  { refuses: only('logging_collector'), message: 'disabling logging_collector is unsafe', fix: REMOVE },
  { refuses: only('log_file_mode'), message: 'log_file_mode cannot be changed', fix: REMOVE },
  // A rule on spec: `!has(self.config.parameters.ssl_groups) || self.postgresVersion > 17`.
  {
    refuses: (k, _v, version) => k === 'ssl_groups' && version <= 17,
    message: 'The ssl_groups parameter is only available in pg18 and greater',
    fix: 'remove it until every generation runs PostgreSQL 18 (use ssl_ecdh_curve below 18)',
  },
];

/** The rules refusing one parameter for a cluster on `postgresVersion`. */
export function refusedBy(key: string, value: string, postgresVersion: number): ParameterRule[] {
  return PGO_PARAMETER_RULES.filter((r) => r.refuses(key.toLowerCase(), value, postgresVersion));
}
