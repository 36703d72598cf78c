/**
 * The names pgfleet gives a Patroni generation's objects, in one place: part of the stack's
 * contract (never hashed), checked for length by the schema and asserted by tests.
 */

export const patroniNames = {
  /** StatefulSet, leader Service, Patroni scope, DCS ServiceAccount/Role/RoleBinding, PDB. */
  cluster: (gen: string) => gen,
  /** `hcap_db` → `hcap-db`: SQL names may hold `_`, Kubernetes names may not. */
  dbKey: (db: string) => db.replace(/_/g, '-'),
  backupPvc: (gen: string) => `${gen}-backup`,
  verificationPvc: (gen: string) => `${gen}-backup-verify`,
  backupConfig: (gen: string) => `${gen}-backup`,
  backupCronJob: (gen: string, db: string) => `${gen}-backup-${patroniNames.dbKey(db)}`,
  verifyCronJob: (gen: string) => `${gen}-backup-verify`,
  onDemandJob: (gen: string, db: string, id: string) => `${gen}-backup-${patroniNames.dbKey(db)}-${id}`,
  restoreJob: (gen: string, db: string) => `${gen}-restore-${patroniNames.dbKey(db)}`,
  upgradeJob: (gen: string, db: string) => `${gen}-upgrade-${patroniNames.dbKey(db)}`,
  preRestoreJob: (gen: string, db: string, id: string) => `${gen}-pre-restore-${patroniNames.dbKey(db)}-${id}`,
  inPlaceRestoreJob: (gen: string, db: string, id: string) => `${gen}-restore-${patroniNames.dbKey(db)}-${id}`,
  scaleDown: (gen: string, id: string) => `${gen}-scale-down-${id}`,
  backupPolicy: (gen: string) => `${gen}-backup`,
  /** Vault-fed credentials Secret of a database (shared by its generations). */
  vaultCredentials: (db: string) => `${db}-credentials`,
  /** Dump file prefix the backup-container writes: `<host>-<database>` (host = leader Service). */
  dumpPrefix: (gen: string, db: string) => `${gen}-${db}`,
};
