/**
 * Engine migration in the model: a new generation on another engine, copied from a live one by
 * a logical dump (pg_dump of a snapshot, pg_restore into the new cluster). The source engine says
 * where and as whom the copy connects ({@link MigrationSource}); the target engine says how it
 * copies (`import`: its operator's own logical import; `dump`: a pgfleet Job).
 */

/** How a generation of the source engine is read by an importer on another engine. */
export interface MigrationSource {
  /** The Service that reaches the generation's primary, e.g. `ciip-portal-patroni.wksv3k-dev.svc`. */
  readonly host: string;
  readonly port: number;
  /** The role the copy connects as (libpq `user`): the engine's superuser. */
  readonly user: string;
  /** The Secret (of the source engine, existing) and key holding that role's password. */
  readonly password: { readonly name: string; readonly key: string };
  /** Why this role, for the docs and the plan. */
  readonly why: string;
  /** libpq `sslmode` the source accepts from other pods (Spilo rejects connections without TLS). */
  readonly sslMode: 'require' | 'prefer';
  /** The application's SQL database, which a copy takes unless told otherwise. */
  readonly database: string;
  /**
   * Labels of the generation's PostgreSQL pods when an ingress NetworkPolicy of the engine isolates
   * them: the importer must be admitted by another policy. @default - not isolated
   */
  readonly serverPods?: Readonly<Record<string, string>>;
  /**
   * Schemas and extensions the source engine puts into every database itself (Spilo's
   * metric_helpers, user_management, pg_stat_kcache, set_user): not the application's, and
   * missing from other engines' images, so a copy leaves them out.
   */
  readonly engineObjects: { readonly schemas: readonly string[]; readonly extensions: readonly string[] };
}

/** What the target engine needs to know about a migration it renders. */
export interface ResolvedMigration {
  /** The generation copied from, and its engine and major. */
  readonly source: string;
  readonly sourceEngine: string;
  readonly sourceVersion: number;
  readonly method: 'import' | 'dump';
  /** CloudNativePG import type (`import` method). */
  readonly type: 'microservice' | 'monolith';
  readonly databases: readonly string[];
  /** Roles to copy (monolith; `*` for all). */
  readonly roles: readonly string[];
  /** Carry only these extensions (`--extension`); undefined: all but `excludeExtensions`. */
  readonly extensions?: readonly string[];
  /** The source engine's own extensions (`--exclude-extension`, pg_dump 17+), when `extensions` is not set. */
  readonly excludeExtensions: readonly string[];
  /** The source engine's own schemas (`--exclude-schema`). */
  readonly excludeSchemas: readonly string[];
  /** Where and as whom to connect; `user` is `migrateFrom.sourceUser` when set. */
  readonly endpoint: MigrationSource;
}

/** The major from which pg_dump can leave extensions out (`--exclude-extension`). */
export const EXCLUDE_EXTENSION_MAJOR = 17;

/** `pg_dump` options of a migration: the source engine's schemas and extensions left out, or only the listed extensions. */
export function pgDumpOptions(m: ResolvedMigration): string[] {
  return [
    ...m.excludeSchemas.map((s) => `--exclude-schema=${s}`),
    ...(m.extensions ? m.extensions.map((e) => `--extension=${e}`) : m.excludeExtensions.map((e) => `--exclude-extension=${e}`)),
  ];
}
