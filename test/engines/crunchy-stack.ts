/** Shared inputs of the Crunchy engine tests: the committed job store stacks, with overrides. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers';

export type Env = 'dev' | 'test' | 'prod';

/** The `config:` mapping of stacks/Pulumi.jobstore-<env>.yaml, with the database's fields overridden. */
export function jobstore(env: Env = 'prod', db: Record<string, unknown> = {}): Record<string, unknown> {
  const file = path.join(ROOT, 'stacks', `Pulumi.jobstore-${env}.yaml`);
  const config = structuredClone((parse(fs.readFileSync(file, 'utf8')) as { config: Record<string, any> }).config);
  const [first] = config['pgfleet:databases'];
  config['pgfleet:databases'] = [{ ...first, ...db }];
  // Tests render under a neutral stack name: keep the environment label of the stack file.
  config['pgfleet:environment'] = env;
  return config;
}

/** The prod database entry (for building variants of its fields). */
export function prodDatabase(): Record<string, any> {
  return (jobstore('prod')['pgfleet:databases'] as Record<string, any>[])[0];
}

/** The live generation and a point-in-time restore of it. */
export const LIVE = 'api-postgres-alpha';
export const CLONE = 'api-postgres-beta';

export function withRestore(targetTime = '2024-02-06 19:50:11-08:00', extra: Record<string, unknown> = {}, env: Env = 'prod') {
  return jobstore(env, {
    generations: [{ name: LIVE }, { name: CLONE, restoreFrom: { generation: LIVE, targetTime }, ...extra }],
    serving: LIVE,
  });
}

/** A repository list with the prod volume repository replaced by `repos`. */
export function withRepos(repos: Record<string, unknown>[], db: Record<string, unknown> = {}) {
  const backups = prodDatabase().backups;
  return jobstore('prod', { backups: { ...backups, repos }, ...db });
}

/** The file of the live generation's PostgresCluster. */
export const CLUSTER_FILE = `postgrescluster-${LIVE}.yaml`;

/** The prod volume repository (repo1). */
export const volumeRepo1 = () => prodDatabase().backups.repos[0];

export { issuesOf } from '../helpers';
