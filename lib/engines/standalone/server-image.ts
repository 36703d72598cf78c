import type { StandaloneDatabaseSpec } from './standalone-schema';

/**
 * The server image of a major: `<repository>:<tag>`, the tag being `image.tags[major]` or the
 * major itself (`postgres:16`). Upgrade and restore Jobs run the target server's image, so their
 * pg_dumpall/psql are never older than either server.
 */
export function serverImage(spec: StandaloneDatabaseSpec, major: number): string {
  return `${spec.image.repository}:${spec.image.tags[String(major)] ?? String(major)}`;
}
