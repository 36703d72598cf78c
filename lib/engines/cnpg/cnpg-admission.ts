/**
 * What CloudNativePG's validating webhook refuses, checked at synth so a stack that renders valid
 * objects is also admitted: ported from the webhook of CloudNativePG 1.30.0, the pinned CRD version
 * (`internal/webhook/v1/cluster_webhook.go` and `pkg/postgres/configuration.go` at tag v1.30.0,
 * commit 4b5e244a7d031f67e025c83c1555e7726ecbbfa1). Each rule names the upstream function it ports.
 * The upgrade rule compares with the previous synth and lives in cnpg-model.ts (validateImageChange).
 *
 * @see https://github.com/cloudnative-pg/cloudnative-pg/blob/v1.30.0/internal/webhook/v1/cluster_webhook.go
 */
import { issue } from '../../config/schema-parts';
import { quantityBytes } from '../../config/quantity';

/** zod's refinement context, as `issue` takes it. */
type Ctx = Parameters<typeof issue>[0];

/** The fields of a database entry the webhook rules read. */
interface AdmissionInput {
  readonly postgresVersion: number;
  readonly instances: number;
  readonly primaryUpdateStrategy: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly generations?: readonly {
    readonly postgresVersion?: number;
    readonly restoreFrom?: { readonly targetName?: string };
  }[];
}

/** `postgresParameterNameRegex` (validateConfiguration): a GUC name, optionally namespaced with one dot. */
const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/;

/** What the operator does instead, for the fix of a refused parameter. */
const ARCHIVE = 'CloudNativePG archives WAL itself, through the Barman Cloud plugin or barmanObjectStore (backup.*)';
const RECOVERY = 'a restore target goes into generations[].restoreFrom (targetTime, targetLSN, targetName)';
const REPLICATION = 'the operator manages replication, switchover and failover';
const SERVER = 'the operator manages the listening socket, TLS, files and paths of every instance';
const LOGS = "the operator collects the server log itself (JSON on the instance pods' stdout)";
const BLOCKED = 'CloudNativePG blocks it';

/**
 * `FixedConfigurationParameters` (pkg/postgres/configuration.go): parameters the operator sets
 * itself or blocks, with why. The webhook refuses them unless the value equals what the operator
 * would set anyway ({@link OPERATOR_VALUES}).
 */
const FIXED: Readonly<Record<string, string>> = {
  allow_system_table_mods: BLOCKED,
  archive_mode: ARCHIVE,
  bonjour: BLOCKED,
  bonjour_name: BLOCKED,
  cluster_name: 'CloudNativePG sets it to the cluster name',
  config_file: SERVER,
  data_directory: SERVER,
  data_sync_retry: BLOCKED,
  event_source: LOGS,
  external_pid_file: SERVER,
  hba_file: SERVER,
  hot_standby: REPLICATION,
  ident_file: SERVER,
  jit_provider: BLOCKED,
  listen_addresses: SERVER,
  logging_collector: LOGS,
  port: SERVER,
  primary_conninfo: REPLICATION,
  primary_slot_name: REPLICATION,
  recovery_target: RECOVERY,
  recovery_target_action: RECOVERY,
  recovery_target_inclusive: RECOVERY,
  recovery_target_lsn: RECOVERY,
  recovery_target_name: RECOVERY,
  recovery_target_time: RECOVERY,
  recovery_target_timeline: RECOVERY,
  recovery_target_xid: RECOVERY,
  restore_command: ARCHIVE,
  shared_preload_libraries:
    'CloudNativePG loads pgaudit, pg_stat_statements, auto_explain and pg_failover_slots by itself when a parameter of theirs is set',
  temp_tablespaces: "CloudNativePG derives it from the cluster's temporary tablespaces",
  unix_socket_directories: SERVER,
  unix_socket_group: SERVER,
  unix_socket_permissions: SERVER,
  archive_cleanup_command: ARCHIVE,
  archive_command: ARCHIVE,
  log_destination: LOGS,
  log_directory: LOGS,
  log_file_mode: LOGS,
  log_filename: LOGS,
  log_rotation_age: LOGS,
  log_rotation_size: LOGS,
  log_truncate_on_rotation: LOGS,
  'pg_failover_slots.primary_dsn': REPLICATION,
  'pg_failover_slots.standby_slot_names': REPLICATION,
  promote_trigger_file: REPLICATION,
  recovery_end_command: RECOVERY,
  recovery_min_apply_delay: REPLICATION,
  restart_after_crash: REPLICATION,
  ssl: SERVER,
  ssl_ca_file: SERVER,
  ssl_cert_file: SERVER,
  ssl_crl_file: SERVER,
  ssl_dh_params_file: SERVER,
  ssl_ecdh_curve: SERVER,
  ssl_key_file: SERVER,
  ssl_passphrase_command: SERVER,
  ssl_passphrase_command_supports_reload: SERVER,
  ssl_prefer_server_ciphers: SERVER,
  stats_temp_directory: BLOCKED,
  synchronous_standby_names: REPLICATION,
  synchronized_standby_slots: REPLICATION,
  syslog_facility: LOGS,
  syslog_ident: LOGS,
  syslog_sequence_numbers: LOGS,
  syslog_split_messages: LOGS,
};

/**
 * Fixed parameters the webhook admits at exactly these values: the operator's own defaults
 * (`CnpgConfigurationSettings.GlobalDefaultSettings`) and `archive_mode: on`, which
 * `CreatePostgresqlConfiguration` sets for a cluster that archives (every pgfleet cluster does).
 */
const OPERATOR_VALUES: Readonly<Record<string, string>> = {
  archive_mode: 'on',
  logging_collector: 'on',
  log_destination: 'csvlog',
  log_directory: '/controller/log',
  log_filename: 'postgres',
  log_rotation_age: '0',
  log_rotation_size: '0',
  log_truncate_on_rotation: 'false',
  shared_preload_libraries: '',
};

/** `ParsePostgresConfigBoolean` (pkg/postgres/booleans.go). */
function postgresBoolean(v: string): boolean | undefined {
  const s = v.toLowerCase();
  if (['1', 'on', 'y', 'ye', 'yes', 't', 'tr', 'tru', 'true'].includes(s)) return true;
  if (['0', 'of', 'off', 'n', 'no', 'f', 'fa', 'fal', 'fals', 'false'].includes(s)) return false;
  return undefined;
}

/**
 * `parsePostgresQuantityValue` (cluster_webhook.go): a PostgreSQL size as the webhook reads it, in
 * bytes. A bare number means MB; otherwise the unit must end in "B" (`kB`, `MB`, `GB`, `TB`), with
 * optional spaces before it. Undefined when the webhook refuses it.
 */
function postgresSize(value: string): number | undefined {
  let v = /^[0-9]+$/.test(value) ? `${value}MB` : value;
  if (!v.endsWith('B')) return undefined;
  v = v.slice(0, -1).replace(/ /g, '');
  if (!/^[0-9]+$/.test(v)) v = `${v}i`.replace('ki', 'Ki');
  return quantityBytes(v);
}

const BOOLEANS = ['hot_standby_feedback', 'sync_replication_slots', 'wal_log_hints'] as const;
const WAL_LEVELS = ['logical', 'replica', 'minimal'];
/** PostgreSQL's (and the webhook's) defaults. */
const WAL_SIZE_DEFAULTS = { min_wal_size: '80MB', max_wal_size: '1GB' } as const;

/** validateConfiguration: parameter names, fixed parameters, wal_level, booleans, shared_buffers, wal_log_hints, WAL sizes. */
function checkParameters(db: AdmissionInput, ctx: Ctx): void {
  const p = db.parameters;
  for (const [key, value] of Object.entries(p)) {
    if (!PARAMETER_NAME.test(key)) {
      issue(
        ctx,
        'a PostgreSQL parameter name: letters, digits, "_" and "$", starting with a letter or "_", optionally a second such part after one "." (e.g. pg_stat_statements.max)',
        `check the spelling of ${JSON.stringify(key)} against the PostgreSQL documentation`,
        ['parameters', key],
      );
      continue;
    }
    // The webhook compares names as written; PostgreSQL reads them case-insensitively, so
    // `Archive_Command` would override the operator's archiving just as well: refused too.
    const lower = key.toLowerCase();
    const why = FIXED[lower];
    if (why !== undefined && OPERATOR_VALUES[lower] !== value) {
      issue(ctx, `a parameter CloudNativePG does not set or block itself: ${why}`, `remove ${key}`, ['parameters', key]);
    }
  }

  // A known value other than logical or replica is minimal, which cannot archive.
  const walLevel = p.wal_level;
  if (walLevel !== undefined && walLevel !== 'logical' && walLevel !== 'replica') {
    issue(
      ctx,
      WAL_LEVELS.includes(walLevel)
        ? 'replica or logical: pgfleet archives the WAL of every cluster, and CloudNativePG refuses minimal when archive_mode is on'
        : 'replica or logical (CloudNativePG knows logical, replica and minimal, and minimal cannot archive)',
      'remove wal_level (CloudNativePG defaults to logical), or set replica',
      ['parameters', 'wal_level'],
    );
  }

  for (const key of BOOLEANS) {
    if (p[key] !== undefined && postgresBoolean(p[key]) === undefined) {
      issue(ctx, 'a PostgreSQL boolean: on, off, true, false, yes, no, 1 or 0 (or an unambiguous prefix of one)', `write "on" or "off"`, [
        'parameters',
        key,
      ]);
    }
  }
  if (p.wal_log_hints !== undefined && postgresBoolean(p.wal_log_hints) === false && db.instances > 1) {
    issue(
      ctx,
      `on with ${db.instances} instances: a former primary rejoins as a replica through pg_rewind, which needs wal_log_hints, and CloudNativePG refuses off`,
      'remove wal_log_hints (CloudNativePG defaults to on), or set instances: 1',
      ['parameters', 'wal_log_hints'],
    );
  }

  const sizeAllowed = 'a size as CloudNativePG reads it: a number with kB, MB, GB or TB (e.g. 512MB), or a bare number of MB';
  if (p.shared_buffers !== undefined && p.shared_buffers !== '' && postgresSize(p.shared_buffers) === undefined) {
    issue(ctx, sizeAllowed, 'write it with an upper-case unit ending in B, e.g. 512MB or 2GB', ['parameters', 'shared_buffers']);
  }
  // validateWalSizeConfiguration: min_wal_size < max_wal_size, each defaulted when unset (pgfleet renders no WAL volume).
  const size = (k: keyof typeof WAL_SIZE_DEFAULTS) => {
    const set = p[k] !== undefined && p[k] !== '';
    const bytes = postgresSize(set ? p[k] : WAL_SIZE_DEFAULTS[k]);
    if (bytes === undefined) issue(ctx, sizeAllowed, 'write it with an upper-case unit ending in B, e.g. 2GB', ['parameters', k]);
    return { set, bytes };
  };
  const min = size('min_wal_size');
  const max = size('max_wal_size');
  if (min.bytes !== undefined && max.bytes !== undefined && min.bytes > 0 && max.bytes > 0 && min.bytes >= max.bytes) {
    const on = min.set || !max.set ? 'min_wal_size' : 'max_wal_size';
    const minText = min.set ? p.min_wal_size : `${WAL_SIZE_DEFAULTS.min_wal_size}, the default`;
    const maxText = max.set ? p.max_wal_size : `${WAL_SIZE_DEFAULTS.max_wal_size}, the default`;
    issue(
      ctx,
      `min_wal_size (${minText}) below max_wal_size (${maxText}): CloudNativePG refuses min_wal_size ≥ max_wal_size`,
      on === 'max_wal_size'
        ? 'raise max_wal_size above 80MB, or also set min_wal_size below it'
        : 'lower min_wal_size below max_wal_size, or raise max_wal_size',
      ['parameters', on],
    );
  }
}

/** `validateRecoveryTarget`: PostgreSQL's MAXFNAMELEN (64 bytes with the terminator) and no control characters. */
function checkTargetName(name: string, ctx: Ctx, path: (string | number)[]): void {
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes >= 64) {
    issue(
      ctx,
      `a restore point name of at most 63 bytes (this one has ${bytes}): PostgreSQL creates no longer restore point, and CloudNativePG refuses the name`,
      'use the name exactly as it was given to pg_create_restore_point()',
      path,
    );
  }
  if ([...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    issue(
      ctx,
      'a restore point name without control characters (newline, tab, ...): CloudNativePG refuses them',
      'remove them from the name',
      path,
    );
  }
}

/** Every rule of CloudNativePG's webhook that a pgfleet stack can break, on one database entry. */
export function checkCnpgAdmission(db: AdmissionInput, ctx: Ctx): void {
  // validateConfiguration: "Unsupported PostgreSQL version. Versions 13 or newer are supported".
  const versions: [number | undefined, (string | number)[]][] = [
    [db.postgresVersion, ['postgresVersion']],
    ...(db.generations ?? []).map((g, i): [number | undefined, (string | number)[]] => [
      g.postgresVersion,
      ['generations', i, 'postgresVersion'],
    ]),
  ];
  for (const [v, path] of versions) {
    if (v !== undefined && v < 13) {
      issue(
        ctx,
        'PostgreSQL 13 or newer: CloudNativePG 1.30 runs no older major',
        `set postgresVersion 13 or newer (a generation migrated from another engine may take a newer major in the same step); data that must stay on ${v} stays on another engine (crunchy, spilo, patroni or standalone)`,
        path,
      );
    }
  }
  checkParameters(db, ctx);
  // validatePrimaryUpdateStrategy
  if (db.primaryUpdateStrategy === 'supervised' && db.instances === 1) {
    issue(
      ctx,
      'unsupervised with one instance: supervised waits for a manual switchover to a replica, there is none, and CloudNativePG refuses it',
      'set primaryUpdateStrategy: unsupervised, or instances: 2 or more',
      ['primaryUpdateStrategy'],
    );
  }
  db.generations?.forEach((g, i) => {
    if (g.restoreFrom?.targetName !== undefined)
      checkTargetName(g.restoreFrom.targetName, ctx, ['generations', i, 'restoreFrom', 'targetName']);
  });
}
