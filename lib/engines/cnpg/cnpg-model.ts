import type { CnpgDatabaseSpec } from './cnpg-schema';
import type { EngineModel } from '../../model/engine-model';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import type { ConfigIssue } from '../../config/config-error';
import type { GenerationState } from '../../config/stack-state';
import { cnpgRecovery } from './cnpg-recovery';
import { cnpgDrillIssues } from './cnpg-drill-issues';

/**
 * The Barman `serverName` a CloudNativePG generation archives under. It carries the major
 * version: a major upgrade starts a new timeline 1 and must never write into the old folder
 * (CNPG docs, "Major upgrades"), so raising the major moves the archive in the same change.
 * A restored generation has a new cluster name and therefore a fresh folder too.
 */
export function cnpgServerName(gen: Pick<ResolvedGeneration, 'name' | 'postgresVersion'>): string {
  return `${gen.name}-pg${gen.postgresVersion}`;
}

/**
 * An in-place major upgrade must go to PostgreSQL 16 or newer: CloudNativePG 1.30's webhook
 * refuses 14 and 15 as targets, because upgrading to them needs collation information it does not
 * carry (`validateImageChange`, internal/webhook/v1/cluster_webhook.go at v1.30.0). The data's
 * major is what the previous synth recorded.
 */
function transitions(
  _db: ResolvedDatabase<CnpgDatabaseSpec>,
  gen: ResolvedGeneration,
  before: GenerationState,
  after: GenerationState,
): ConfigIssue[] {
  const [from, to] = [before.postgresVersion, after.postgresVersion];
  if (!(from < to && to < 16)) return [];
  return [
    {
      path: gen.versionPath,
      value: to,
      allowed: `16 or newer as the target of an in-place upgrade from ${from}: CloudNativePG refuses upgrades to 14 and 15`,
      fix: `set postgresVersion: 16 or newer (pg_upgrade goes from ${from} straight there), or keep ${from}`,
    },
  ];
}

export const cnpgModel: EngineModel<CnpgDatabaseSpec> = {
  upgrade: 'in-place',
  transitions,
  archives: (db: ResolvedDatabase<CnpgDatabaseSpec>, gen) => [
    { kind: 's3', url: `${db.spec.backup.destinationPath}${cnpgServerName(gen)}/` },
  ],
  recovery: (db, gen) => cnpgRecovery(db, gen, cnpgModel.archives!(db, gen)),
  check: cnpgDrillIssues,
};
