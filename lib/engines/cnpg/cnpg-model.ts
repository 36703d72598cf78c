import type { CnpgDatabaseSpec } from './cnpg-schema';
import type { EngineModel } from '../../model/engine-model';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
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

export const cnpgModel: EngineModel<CnpgDatabaseSpec> = {
  upgrade: 'in-place',
  archives: (db: ResolvedDatabase<CnpgDatabaseSpec>, gen) => [
    { kind: 's3', url: `${db.spec.backup.destinationPath}${cnpgServerName(gen)}/` },
  ],
  recovery: (db, gen) => cnpgRecovery(db, gen, cnpgModel.archives!(db, gen)),
  check: cnpgDrillIssues,
};
