/**
 * The fuzzer's oracle: what one change does to live data, judged from the rendered manifests
 * before and after it and from the stack, never from pgfleet's own classifier. Each finding names
 * the generation whose data it endangers and the acknowledgement that would make it deliberate
 * (none: no stack may ask for it).
 */
import { databasesOfConfigs, type GenerationView, type OutputView, viewOf } from './manifest-view';

type Config = Record<string, unknown>;
type Db = Record<string, any>;

export type FindingClass =
  | 'object-removed'
  | 'object-replaced'
  | 'volume-removed'
  | 'volume-shrunk'
  | 'archive-moved'
  | 'archive-dropped'
  | 'retention-shortened'
  | 'major-raised'
  | 'major-lowered'
  | 'database-renamed'
  | 'entry-renamed'
  | 'data-overwritten'
  | 'cutover-to-new'
  | 'restore-source'
  | 'archive-shared'
  | 'backup-not-taken';

export interface Finding {
  readonly class: FindingClass;
  readonly generation: string;
  readonly database?: string;
  readonly detail: string;
  /** What makes it deliberate: `destroys-data:<gen>`, `irreversible:<gen>`; none when nothing may. */
  readonly excusedBy: readonly string[];
  /** Retiring the generation makes it deliberate too. */
  readonly retirable: boolean;
}

export interface Side {
  readonly files: ReadonlyMap<string, string>;
  readonly config: Config;
}

const dbsOf = (c: Config): Db[] => ((c['pgfleet:databases'] as Db[] | undefined) ?? []).filter((d) => d && typeof d === 'object');

/** The major a generation runs by the stack (its own, its restore source's, or the database's). */
function configVersion(config: Config, gen: string): number | undefined {
  for (const db of dbsOf(config)) {
    const gens: Db[] = Array.isArray(db.generations) ? db.generations : [{ name: db.name }];
    const of = (name: string, depth: number): number | undefined => {
      const g = gens.find((x) => x?.name === name);
      if (!g) return undefined;
      if (g.postgresVersion !== undefined) return g.postgresVersion;
      if (g.restoreFrom && depth < gens.length) return of(g.restoreFrom.generation, depth + 1) ?? db.postgresVersion;
      return db.postgresVersion;
    };
    const v = of(gen, 0);
    if (v !== undefined) return v;
  }
  return undefined;
}

function retentionShorter(before: number | string, after: number | string | undefined): boolean {
  if (after === undefined) return false; // the archive itself is judged
  if (before === Infinity) return after !== Infinity;
  if (after === Infinity) return false;
  if (typeof before === 'number' && typeof after === 'number') return after < before;
  const [bt, bn] = String(before).split(':');
  const [at, an] = String(after).split(':');
  return bt !== at || Number(an) < Number(bn);
}

/** Every danger the change from `before` to `after` brings to live data. */
export function findings(before: Side, after: Side): Finding[] {
  const databaseOf = databasesOfConfigs(before.config, after.config);
  const b = viewOf(before.files, databaseOf);
  const a = viewOf(after.files, databaseOf);
  const out: Finding[] = [];
  const add = (
    cls: FindingClass,
    g: GenerationView,
    detail: string,
    excusedBy: 'destroys-data' | 'irreversible' | 'none',
    retirable = false,
  ) =>
    out.push({
      class: cls,
      generation: g.name,
      database: g.database,
      detail,
      // A database-wide acknowledgement (pgfleet's subject for objects no generation owns) covers each of its generations.
      excusedBy: excusedBy === 'none' ? [] : [`${excusedBy}:${g.name}`, ...(g.database ? [`${excusedBy}:${g.database}`] : [])],
      retirable,
    });
  const live = (v: OutputView, name: string) => (v.generations.get(name)?.objects.size ?? 0) > 0;

  for (const [name, was] of b.generations) {
    if (!live(b, name)) continue;
    const now = a.generations.get(name);
    for (const [key, identity] of was.objects) {
      const after = now?.objects.get(key);
      if (after === undefined) add('object-removed', was, `${key} leaves the output`, 'destroys-data', true);
      else if (after !== identity) add('object-replaced', was, `${key}: ${identity} → ${after}`, 'destroys-data', true);
    }
    if (!now || !live(a, name)) continue;
    for (const [id, v] of was.volumes) {
      const n = now.volumes.get(id);
      if (!n) {
        if (!v.scratch && !id.startsWith('pvc:'))
          add('volume-removed', was, `volume ${id} (${v.size}) leaves the spec`, 'destroys-data', true);
      } else if (n.bytes < v.bytes || Number.isNaN(n.bytes))
        add('volume-shrunk', was, `volume ${id}: ${v.size} → ${n.size}`, 'destroys-data');
    }
    const majorRaised =
      (was.major !== undefined && now.major !== undefined && now.major > was.major) ||
      (now.pgUpgrade !== undefined && was.pgUpgrade === undefined) ||
      (configVersion(after.config, name) ?? 0) > (configVersion(before.config, name) ?? Infinity);
    const lowered =
      (was.major !== undefined && now.major !== undefined && now.major < was.major) ||
      (configVersion(after.config, name) ?? Infinity) < (configVersion(before.config, name) ?? 0);
    if (lowered) add('major-lowered', was, `major ${was.major ?? configVersion(before.config, name)} → lower`, 'none');
    // The Patroni image creates the application database once, at bootstrap: consumers would reach one that does not exist.
    // (Spilo's `database` only names the database in consumers' URIs; the application creates it.)
    const appDb = (c: Config) => dbsOf(c).find((d) => d.name === was.database && d.engine === 'patroni')?.database;
    if (appDb(before.config) !== appDb(after.config) && appDb(after.config) !== undefined) {
      add('database-renamed', was, `application database ${appDb(before.config)} → ${appDb(after.config)}`, 'none');
    }
    const entryBefore = databasesOfConfigs(before.config).get(name);
    const entryAfter = databasesOfConfigs(after.config).get(name);
    if (entryBefore !== undefined && entryAfter !== undefined && entryBefore !== entryAfter) {
      // pgfleet-state.json keys a generation's record by its database entry: renamed, the next change is judged against nothing.
      add('entry-renamed', was, `database entry ${entryBefore} → ${entryAfter}`, 'none');
    }
    if (majorRaised && !(was.pgUpgrade !== undefined && now.pgUpgrade === undefined && now.major === was.pgUpgrade)) {
      add('major-raised', was, `major ${was.major} → ${now.pgUpgrade ?? now.major}`, 'irreversible');
    }
    for (const [key, url] of was.archives) {
      const n = now.archives.get(key);
      // A major upgrade must start a new archive (a new timeline 1): deliberate with the upgrade.
      const excuse = majorRaised ? 'irreversible' : 'destroys-data';
      if (n === undefined) add('archive-dropped', was, `archive ${key} ${url} is no longer written`, excuse);
      else if (n !== url) add('archive-moved', was, `archive ${key}: ${url} → ${n}`, excuse);
    }
    for (const [key, r] of was.retention) {
      if (retentionShorter(r, now.retention.get(key)))
        add('retention-shortened', was, `retention ${key}: ${r} → ${now.retention.get(key)}`, 'destroys-data');
    }
    for (const job of now.loaders)
      if (!was.loaders.has(job)) add('data-overwritten', was, `${job} loads data into the live generation`, 'destroys-data');
    if (now.shutdown && now.manualBackup !== undefined && now.manualBackup !== was.manualBackup) {
      add('backup-not-taken', was, `manual backup ${now.manualBackup} requested while the cluster is shut down`, 'none');
    }
  }

  for (const [name, n] of a.generations) {
    if (!live(a, name)) continue;
    const isNew = !live(b, name);
    if (isNew) {
      for (const r of n.reads) {
        const repo = /^repo-of:(.+):(.+)$/.exec(r.location);
        const server = /^server:(.+)$/.exec(r.location);
        let source: GenerationView | undefined;
        let ok: boolean;
        if (repo) {
          source = b.generations.get(repo[1]);
          const was = source?.archives.get(repo[2]);
          ok = live(b, repo[1]) && was !== undefined && a.generations.get(repo[1])?.archives.get(repo[2]) === was;
        } else if (server) {
          source = b.generations.get(server[1]);
          ok = live(b, server[1]);
        } else {
          source = [...b.generations.values()].find((g) => live(b, g.name) && [...g.archives.values()].includes(r.location));
          ok = source !== undefined;
        }
        if (!ok) add('restore-source', n, `reads ${r.location}, which no live generation archived to before this change`, 'none');
        else if (r.physical && source?.major !== undefined && n.major !== source.major) {
          add(
            'restore-source',
            n,
            `a physical restore on major ${n.major} reads ${source.name}'s archive of major ${source.major}`,
            'none',
          );
        }
      }
    }
    for (const [key, url] of n.archives) {
      // Shared by design: blackbox names its files after the database, the backup-container's S3 copy
      // (`mc cp` to the bucket's top) after the generation's dump prefix; neither overwrites another's.
      if (key.startsWith('blackbox:') || key === 's3copy') continue;
      for (const v of [b, a]) {
        for (const other of v.generations.values()) {
          if (other.name === name || !live(v, other.name)) continue;
          if ([...other.archives.values()].includes(url)) add('archive-shared', n, `archive ${key} ${url} is ${other.name}'s too`, 'none');
        }
      }
    }
  }

  for (const [consumer, target] of a.consumers) {
    const was = b.consumers.get(consumer);
    if (was !== undefined && was !== target && !live(b, target)) {
      const g = a.generations.get(target) ?? { name: target, database: databaseOf.get(target) };
      add('cutover-to-new', g as GenerationView, `${consumer} moves from ${was} to ${target}, which did not run before`, 'none');
    }
  }
  return dedupe(out);
}

function dedupe(fs: Finding[]): Finding[] {
  const seen = new Set<string>();
  return fs.filter((f) => {
    const k = `${f.class}|${f.generation}|${f.detail}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The findings the stack after the change does not make deliberate: acknowledged by name, or the generation retired. */
export function unexcused(fs: readonly Finding[], after: Config): Finding[] {
  return fs.filter((f) => {
    const db = dbsOf(after).find((d) => d.name === f.database);
    const acks: string[] = Array.isArray(db?.acknowledge) ? db!.acknowledge : [];
    const retired: string[] = Array.isArray(db?.retired) ? db!.retired : [];
    if (f.retirable && retired.includes(f.generation)) return false;
    return !f.excusedBy.some((a) => acks.includes(a));
  });
}
