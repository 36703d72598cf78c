/**
 * Names of everything the standalone engine creates, in one place: the model records some of
 * them in state, tests assert them, and data-bearing objects must never be renamed.
 */

/** The application Service: the database's name, stable across generations (cutover moves its selector). */
export const appServiceName = (database: string) => database;

/** Headless Service governing a generation's StatefulSet; Jobs reach one server through it. */
export const headlessServiceName = (generation: string) => `${generation}-headless`;

/** The generation's data volume claim. */
export const dataClaimName = (generation: string) => `${generation}-data`;

/** The generation's postgresql.conf. */
export const configMapName = (generation: string) => `${generation}-config`;

/** The PVC the upgrade dump (or a restore's download from a bucket) is written to. */
export const dumpClaimName = (generation: string) => `${generation}-dump`;

export { backupClaimName } from './standalone-model';

/** The dump file an upgrade writes: named after the source generation. */
export const upgradeDumpFile = (source: string) => `${source}.sql.gz`;

/** Upgrade and restore Jobs, in the order they run. */
export const jobName = {
  writersDown: (generation: string) => `${generation}-writers-down`,
  dump: (generation: string) => `${generation}-dump`,
  import: (generation: string) => `${generation}-import`,
  restore: (generation: string) => `${generation}-restore`,
  writersUp: (generation: string) => `${generation}-writers-up`,
} as const;

/** Label on pgfleet's Jobs naming their step, so change rules and plans can tell them apart. */
export const STEP_LABEL = 'pgfleet.io/step';

/** Label on pods allowed to reach the database's servers (pgfleet's own Jobs). */
export const CLIENT_LABEL = 'pgfleet.io/client-of';

/** Port every server listens on and the Services expose. */
export const POSTGRES_PORT = 5432;
