import type { CnpgDatabaseSpec } from './cnpg-schema';
import { type ClusterSpecExternalClusters, ClusterSpecBootstrapInitdbImportType } from '../../../imports/cnpg-cluster-postgresql.cnpg.io';
import { pgDumpOptions, type ResolvedMigration } from '../../model/migration';

/**
 * `bootstrap.initdb.import` and its `externalClusters` entry for a generation copied from another
 * engine (engine migration). CloudNativePG runs the import in the new cluster's first pod, with
 * the new major's tools: `pg_dump -Fd` of each database over the network (a consistent snapshot
 * taken while the source keeps running), then `pg_restore` section by section. `microservice`
 * restores one database into the cluster's `database` with `--no-owner --no-privileges
 * --role=<owner>`; `monolith` first creates the listed roles (read from the source's
 * `pg_authid`, passwords included, SUPERUSER removed), then restores each database as it is.
 * The source engine's own schemas and extensions are left out with `pgDumpExtraOptions`.
 *
 * The source is read as its engine's superuser, with the password from the Secret that engine
 * already keeps: no credential is copied or written by pgfleet.
 *
 * @see https://cloudnative-pg.io/documentation/current/database_import/
 * @see https://github.com/cloudnative-pg/cloudnative-pg/tree/v1.30.0/pkg/management/postgres/logicalimport
 */
export function importBootstrap(spec: CnpgDatabaseSpec, m: ResolvedMigration) {
  const e = m.endpoint;
  const options = pgDumpOptions(m);
  const external: ClusterSpecExternalClusters = {
    name: m.source,
    connectionParameters: { host: e.host, port: String(e.port), user: e.user, dbname: 'postgres', sslmode: e.sslMode },
    password: { name: e.password.name, key: e.password.key },
  };
  return {
    bootstrap: {
      initdb: {
        database: spec.database,
        owner: spec.owner,
        import: {
          type: m.type === 'monolith' ? ClusterSpecBootstrapInitdbImportType.MONOLITH : ClusterSpecBootstrapInitdbImportType.MICROSERVICE,
          databases: [...m.databases],
          ...(m.type === 'monolith' && m.roles.length ? { roles: [...m.roles] } : {}),
          source: { externalCluster: m.source },
          ...(options.length ? { pgDumpExtraOptions: options } : {}),
        },
      },
    },
    externalClusters: [external],
  };
}

/** Labels of the pods that read the source during the import: the new cluster's (its initdb Job's first of all). */
export const cnpgImporterPods = (clusterName: string) => ({ 'cnpg.io/cluster': clusterName });
