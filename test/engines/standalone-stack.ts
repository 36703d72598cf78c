/** Shared inputs of the standalone engine tests: the committed pydis stacks, with overrides. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers';

export type Config = Record<string, unknown>;

/** The `config:` mapping of stacks/Pulumi.pydis-<env>.yaml, with the database's fields overridden. */
export function pydis(env: 'prod' | 'staging' = 'prod', db: Record<string, unknown> = {}): Config {
  const file = path.join(ROOT, 'stacks', `Pulumi.pydis-${env}.yaml`);
  const config = structuredClone((parse(fs.readFileSync(file, 'utf8')) as { config: Record<string, any> }).config);
  const [first] = config['pgfleet:databases'];
  const merged = { ...first, ...db };
  for (const [k, v] of Object.entries(db)) if (v === undefined) delete merged[k];
  config['pgfleet:databases'] = [merged];
  config['pgfleet:environment'] = env;
  return config;
}

/** The prod database entry. */
export function prodDatabase(): Record<string, any> {
  return (pydis('prod')['pgfleet:databases'] as Record<string, any>[])[0];
}

export const LIVE = 'postgres';
export const NEXT = 'postgres-17';

/** Backups by pgfleet's dump CronJob onto a PVC (restore needs checksummed dumps). */
export const dumpToPvc = { method: 'dump', retentionDays: 7, target: { pvc: { size: '20Gi' } } };
export const dumpToS3 = {
  method: 'dump',
  target: {
    s3: {
      bucket: 'pydis-backups',
      prefix: 'postgres/',
      endpoint: 'https://eu-central-1.linodeobjects.com',
      credentials: { existingSecret: { name: 'backup-s3' } },
    },
  },
};

/** prod on 16, upgrading into postgres-17 (serving stays on the old one unless given). */
export function upgrading(db: Record<string, unknown> = {}): Config {
  return pydis('prod', {
    generations: [{ name: LIVE }, { name: NEXT, postgresVersion: 17, upgradeFrom: { generation: LIVE } }],
    serving: LIVE,
    // blackbox's client is 16: after the cutover to 17 it would be refused, so these scenarios use dumps.
    backup: dumpToPvc,
    ...db,
  });
}

/** prod with a restore of the live generation's dumps into a new server. */
export function restoring(restoreFrom: Record<string, unknown> = {}, db: Record<string, unknown> = {}): Config {
  return pydis('prod', {
    generations: [{ name: LIVE }, { name: 'postgres-restored', restoreFrom: { generation: LIVE, ...restoreFrom } }],
    serving: LIVE,
    backup: dumpToPvc,
    ...db,
  });
}

/** prod as committed (blackbox to three regions), with a restore of blackbox's dumps into a new server. */
export function restoringBlackbox(restoreFrom: Record<string, unknown> = {}, db: Record<string, unknown> = {}): Config {
  return pydis('prod', {
    generations: [{ name: LIVE }, { name: 'postgres-restored', restoreFrom: { generation: LIVE, ...restoreFrom } }],
    serving: LIVE,
    ...db,
  });
}

export { issuesOf } from '../helpers';
