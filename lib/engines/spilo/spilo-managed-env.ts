/**
 * The Spilo environment variables a database's `env` may not set: pgfleet sets them itself, or
 * they would override what it sets.
 */

/** A Spilo variable `env` may not set, and what to use instead. */
export interface ManagedEnv {
  readonly pattern: RegExp;
  /** Why pgfleet owns it (completes "a variable pgfleet does not leave to env: ..."). */
  readonly why: string;
  /** The typed field to set instead, or that pgfleet does not support it. */
  readonly instead: string;
}

/**
 * Environment variables pgfleet sets itself (from the chart or from the generation's variant), or
 * that would override what it sets. Setting them by hand would let a typo silently skip a clone,
 * archive into another scope's prefix or run another major than PGVERSION.
 */
const MANAGED_ENV: readonly ManagedEnv[] = [
  { pattern: /^SCOPE$/, why: 'the Patroni scope is the generation name', instead: 'name the generation (generations[].name)' },
  {
    pattern: /^PGVERSION$/,
    why: 'the major is pinned per generation',
    instead: 'use postgresVersion (a new major is a new generation with upgradeFrom)',
  },
  {
    pattern: /^(PGROOT|PGDATA|PGHOME)$/,
    why: "the data directory lives on the chart's volume",
    instead: 'pgfleet does not support moving it',
  },
  {
    pattern: /^(PGPASSWORD|PGUSER)_.*$/,
    why: "the users and passwords are the chart's Secret",
    instead: 'use consumerUser (the passwords are generated)',
  },
  { pattern: /^CLONE_.*$/, why: "a clone is a new generation's bootstrap", instead: 'use restoreFrom or upgradeFrom on a new generation' },
  { pattern: /^STANDBY_.*$/, why: 'a standby cluster replays another archive', instead: 'pgfleet does not support standby clusters' },
  {
    pattern: /^(USE_WALG.*|USE_WALE|WAL_.*_BUCKET|WALE_.*|WALG_.*_PREFIX|WAL_BUCKET_SCOPE_(PREFIX|SUFFIX))$/,
    why: 'each generation archives to its own WAL-G prefix, recorded in pgfleet-state.json',
    instead: 'use backup.bucket, backup.location or generations[].backupLocation',
  },
  { pattern: /^GOOGLE_APPLICATION_CREDENTIALS$/, why: 'the chart mounts the key Secret', instead: 'use backup.serviceAccountKeySecret' },
  { pattern: /^BACKUP_SCHEDULE$/, why: 'it comes from the backup settings', instead: 'use backup.schedule' },
  { pattern: /^BACKUP_NUM_TO_RETAIN$/, why: 'it comes from the backup settings', instead: 'use backup.retain' },
  { pattern: /^(DCS_ENABLE_KUBERNETES_API|KUBERNETES_.*)$/, why: "Patroni's DCS store is fixed per scope", instead: 'use dcs.configMaps' },
  { pattern: /^POD_NAMESPACE$/, why: 'the chart sets it from the pod', instead: 'use namespace' },
  {
    pattern: /^(SPILO_CONFIGURATION|PATRONI_CONFIGURATION)$/,
    why: 'it replaces parts of the Patroni configuration Spilo writes (a postgresql.bin_dir there runs another major than PGVERSION, a bootstrap section another clone)',
    instead: 'pgfleet does not support it: set the major with postgresVersion and clones with restoreFrom or upgradeFrom',
  },
  {
    // Patroni patches its configuration file with these (PATRONI_POSTGRESQL_BIN_DIR, PATRONI_SCOPE,
    // PATRONI_KUBERNETES_*, ...); log settings are harmless.
    pattern: /^PATRONI_(?!LOG_).*$/,
    why: 'Patroni overrides its configuration file with PATRONI_* variables (PATRONI_POSTGRESQL_BIN_DIR runs another major than PGVERSION, PATRONI_SCOPE another scope)',
    instead: 'pgfleet does not support it (PATRONI_LOG_* is allowed)',
  },
];

/** What pgfleet says about an `env` key it refuses, or undefined when the key is free. */
export function managedEnv(key: string): ManagedEnv | undefined {
  return MANAGED_ENV.find((m) => m.pattern.test(key));
}
