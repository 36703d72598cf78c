/**
 * Resolving `migrateFrom`: the target engine must be able to copy (its methods), the source engine
 * must say where and as whom to read (`migrationSource`), and the target's major must be the
 * source's or newer (pg_dump refuses to dump a server newer than itself, and the copy runs the
 * target's pg_dump).
 */
import type { ConfigIssue } from '../config/config-error';
import { engineNamed } from '../config/stack-schema';
import type { ModelEngine } from './engine-model';
import type { GenerationInput } from './engine-views';
import { EXCLUDE_EXTENSION_MAJOR, type ResolvedMigration } from './migration';
import { type ResolvedDatabase, type ResolvedGeneration, viewOf } from './resolved';

/** The migration of generation `g` (resolved as `gen`), or undefined after adding what is wrong to `issues`. */
export function resolveMigration(
  db: ResolvedDatabase,
  g: GenerationInput,
  gen: ResolvedGeneration,
  engines: readonly ModelEngine[],
  issues: ConfigIssue[],
): ResolvedMigration | undefined {
  const m = g.migrateFrom!;
  const at = `${g.path}.migrateFrom`;
  const src = db.generations.find((x) => x.name === m.generation)!;
  const target = engineNamed(engines, g.engine);
  const source = engineNamed(engines, src.engine);
  const before = issues.length;
  const methods = target.migrationMethods ?? [];
  if (!methods.length) {
    issues.push({
      path: `${g.path}.engine`,
      value: g.engine,
      allowed: `an engine generations can be copied into: ${engines
        .filter((e) => e.migrationMethods?.length)
        .map((e) => e.name)
        .join(', ')}`,
      fix: `migrate to one of those; pgfleet has no logical copy into ${g.engine}`,
    });
  }
  const method = m.method ?? methods[0];
  if (m.method && methods.length && !methods.includes(m.method)) {
    issues.push({
      path: `${at}.method`,
      value: m.method,
      allowed: `what ${g.engine} can do: ${methods.join(', ')}`,
      fix: `set method: ${methods[0]}, or leave method out`,
    });
  }
  if (method === 'dump' && m.type !== undefined) {
    issues.push({
      path: `${at}.type`,
      value: m.type,
      allowed: 'no type with method dump: the dump Job copies the listed databases, with their roles and owners',
      fix: 'remove type',
    });
  }
  if (!source.migrationSource) {
    issues.push({
      path: `${at}.generation`,
      value: m.generation,
      allowed: `a generation of an engine pgfleet can read for a copy: ${engines
        .filter((e) => e.migrationSource)
        .map((e) => e.name)
        .join(', ')}`,
      fix: `${src.engine} publishes no superuser pgfleet can hand to an importer; copy by hand, or restore into a new database entry`,
    });
  }
  const srcVersion = src.postgresVersion;
  if (gen.postgresVersion < srcVersion) {
    issues.push({
      path: gen.versionPath,
      value: gen.postgresVersion,
      allowed: `${srcVersion} or newer: ${src.name} runs PostgreSQL ${srcVersion}, and the copy runs the new generation's pg_dump, which cannot read a newer server`,
      fix: `set postgresVersion: ${Math.max(srcVersion, EXCLUDE_EXTENSION_MAJOR)} (or newer) on ${g.name}`,
    });
  }
  issues.push(...(target.checkMigrationTarget?.(viewOf(db, gen), gen) ?? []));
  if (issues.length > before || !source.migrationSource) return undefined;
  const endpoint = source.migrationSource(viewOf(db, src), src);
  const excludeExtensions = m.extensions ? [] : endpoint.engineObjects.extensions;
  if (excludeExtensions.length && gen.postgresVersion < EXCLUDE_EXTENSION_MAJOR) {
    issues.push({
      path: gen.versionPath,
      value: gen.postgresVersion,
      allowed: `${EXCLUDE_EXTENSION_MAJOR} or newer, or migrateFrom.extensions: ${src.engine} installs ${excludeExtensions.join(', ')} in every database, which other images lack, and only pg_dump ${EXCLUDE_EXTENSION_MAJOR}+ can leave extensions out (--exclude-extension)`,
      fix: `raise postgresVersion to ${EXCLUDE_EXTENSION_MAJOR}, or list the extensions the application uses in ${at}.extensions (pg_dump --extension)`,
    });
    return undefined;
  }
  return {
    source: src.name,
    sourceEngine: src.engine,
    sourceVersion: srcVersion,
    method,
    type: m.type ?? 'microservice',
    databases: m.databases ?? [endpoint.database],
    roles: m.roles ?? [],
    ...(m.extensions ? { extensions: m.extensions } : {}),
    excludeExtensions,
    excludeSchemas: endpoint.engineObjects.schemas,
    endpoint: m.sourceUser ? { ...endpoint, user: m.sourceUser } : endpoint,
  };
}
