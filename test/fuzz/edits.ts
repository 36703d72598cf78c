/**
 * Random edits of a stack config, as a user (or a careless script) makes them: sizes, retention,
 * schedules, archive locations, repositories, generations (initdb, restore, upgrade; valid and
 * invalid sources), cutover, retirement, decommissioning, renames, namespace and version changes, and
 * acknowledgements. An edit is data (`Edit`), applied to whatever the stack is at that step, so a
 * failing sequence replays exactly.
 */
import fc from 'fast-check';

type Json = any;
type Config = Record<string, Json>;

export const EDIT_KINDS = [
  'size',
  'size',
  'retention',
  'schedule',
  'archive',
  'storage-class',
  'repo',
  'add-generation',
  'add-generation',
  'serving',
  'retire',
  'unlist',
  'decommission',
  'rename-database',
  'rename-db-entry',
  'instance-set',
  'namespace',
  'version',
  'ack-add',
  'ack-remove',
  'engine-specific',
  'engine-specific',
] as const;

export type EditKind = (typeof EDIT_KINDS)[number];

/** One edit: its kind and the numbers that choose what and how. */
export interface Edit {
  readonly kind: EditKind;
  readonly a: number;
  readonly b: number;
  readonly c: number;
}

export const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom(...EDIT_KINDS),
  a: fc.nat(1000),
  b: fc.nat(1000),
  c: fc.nat(1000),
});

const pick = <T>(xs: readonly T[], n: number): T | undefined => (xs.length ? xs[n % xs.length] : undefined);

/** Every (parent, key) in a value whose key matches `key` and whose value passes `value`. */
function fields(root: Json, key: RegExp, value: (v: Json) => boolean, skip: RegExp = /^$/): [Json, string][] {
  const out: [Json, string][] = [];
  const walk = (o: Json) => {
    if (!o || typeof o !== 'object') return;
    for (const [k, v] of Object.entries(o)) {
      if (skip.test(k)) continue;
      if (key.test(k) && value(v)) out.push([o, k]);
      walk(v);
    }
  };
  walk(root);
  return out;
}

const QUANTITY = /^(\d+(?:\.\d+)?)(Mi|Gi|Ti)$/;
const isQuantity = (v: Json) => typeof v === 'string' && QUANTITY.test(v);

function resize(q: string, how: number): string {
  const [, n, unit] = QUANTITY.exec(q)!;
  const x = Number(n);
  switch (how % 5) {
    case 0:
      return `${x * 2}${unit}`;
    case 1:
      return `${Math.max(1, Math.floor(x / 2))}${unit}`;
    case 2:
      return unit === 'Gi' ? `${x * 1024}Mi` : unit === 'Ti' ? `${x * 1024}Gi` : `${x + 1}${unit}`;
    case 3:
      return `${x + 1}${unit}`;
    default:
      return '1Gi';
  }
}

const generationsOf = (db: Json): Json[] => {
  if (!Array.isArray(db.generations)) db.generations = [{ name: db.name }];
  return db.generations;
};
const namesOf = (db: Json): string[] => (Array.isArray(db.generations) ? db.generations.map((g: Json) => g.name) : [db.name]);
const liveOf = (db: Json): string[] => namesOf(db).filter((n) => !(db.retired ?? []).includes(n));

let counter = 0;
/** A fresh generation name (deterministic per sequence: reset with resetNames). */
const freshName = (db: Json) => `${String(db.name).slice(0, 20)}-g${++counter}`;
export const resetNames = () => {
  counter = 0;
};

const CRONS5 = ['0 2 * * *', '30 3 * * *', '*/15 * * * *', '0 * * * *'];
const CRONS6 = ['0 0 0 * * *', '0 30 2 * * *', '0 0 */6 * * *'];

/** Applies one edit to a copy of the stack config; returns the copy and what it did. */
export function applyEdit(config: Config, e: Edit): { config: Config; did: string } {
  const next: Config = structuredClone(config);
  const dbs: Json[] = next['pgfleet:databases'];
  const db = pick(dbs, e.a)!;
  const did = (text: string) => ({ config: next, did: `${e.kind}: ${text}` });
  switch (e.kind) {
    case 'size': {
      const f = pick(fields(db, /^(size|dumpSize|scratchSize|sharedMemory)$/, isQuantity), e.b);
      if (!f) return did('no size');
      const was = f[0][f[1]];
      f[0][f[1]] = resize(was, e.c);
      return did(`${f[1]} ${was} → ${f[0][f[1]]}`);
    }
    case 'retention': {
      const nums = fields(db, /^(retain|retentionDays|daily|weekly|monthly|total|full)$/, (v) => typeof v === 'number');
      const windows = fields(db, /^retentionPolicy$/, (v) => typeof v === 'string');
      const types = fields(db, /^type$/, (v) => v === 'count' || v === 'time');
      const all = [...nums, ...windows, ...types];
      const f = pick(all, e.b);
      if (!f) return did('no retention');
      const [o, k] = f;
      const was = o[k];
      if (typeof was === 'number')
        o[k] = e.c % 2 ? was + 1 + (e.c % 5) : Math.max(k === 'full' || k === 'total' || k === 'retain' ? 1 : 0, was - 1 - (e.c % 3));
      else if (k === 'type') o[k] = was === 'count' ? 'time' : 'count';
      else o[k] = pick(['3d', '10d', '30d', '2w', '1m'], e.c);
      return did(`${k} ${was} → ${o[k]}`);
    }
    case 'schedule': {
      const f = pick(
        fields(db, /^(schedule|full|incremental|differential)$/, (v) => typeof v === 'string' && /\*/.test(v)),
        e.b,
      );
      if (!f) return did('no schedule');
      const was: string = f[0][f[1]];
      f[0][f[1]] = pick(was.split(' ').length === 6 ? CRONS6 : CRONS5, e.c);
      return did(`${f[1]} ${was} → ${f[0][f[1]]}`);
    }
    case 'archive': {
      const f = pick(
        fields(db, /^(destinationPath|bucket|prefix|location|backupLocation|pathPrefix)$/, (v) => typeof v === 'string'),
        e.b,
      );
      if (!f) return did('no archive');
      const [o, k] = f;
      const was: string = o[k];
      if (k === 'destinationPath') o[k] = e.c % 2 ? was.replace(/\/$/, `-${e.c % 7}/`) : `${was}moved/`;
      else if (k === 'prefix') o[k] = e.c % 2 ? `${was}x/` : '';
      else if (k === 'pathPrefix' || k === 'location' || k === 'backupLocation') o[k] = `${was}-m${e.c % 5}`;
      else o[k] = `${was.slice(0, 50)}-b${e.c % 5}`;
      return did(`${k} ${was} → ${o[k]}`);
    }
    case 'storage-class': {
      const f = pick(
        fields(db, /^storageClass$/, (v) => typeof v === 'string'),
        e.b,
      );
      if (!f) return did('no storageClass');
      const was = f[0].storageClass;
      f[0].storageClass = `${was}-new`;
      return did(`storageClass ${was} → ${f[0].storageClass}`);
    }
    case 'repo':
      return did(editRepos(db, e));
    case 'add-generation': {
      const gens = generationsOf(db);
      const name = freshName(db);
      const live = liveOf(db);
      const variant = e.b % 6;
      const src =
        e.c % 5 === 0
          ? `${db.name}-nope`
          : e.c % 5 === 1
            ? name
            : e.c % 5 === 2
              ? (pick(db.retired ?? [], e.c) ?? pick(live, e.c))
              : pick(live, e.c);
      const version = db.postgresVersion as number;
      const g: Json = { name };
      if (variant === 1 || variant === 2)
        g.restoreFrom = variant === 1 ? { generation: src } : { generation: src, targetTime: '2026-01-01T00:00:00Z' };
      if (variant === 3 || variant === 4) {
        g.upgradeFrom = { generation: src };
        g.postgresVersion = version + (variant === 3 ? 1 : 0);
      }
      if (variant === 5) g.postgresVersion = version + 1;
      // Sometimes a second new generation restoring from the first: a source created in the same change.
      gens.push(g);
      if (e.a % 4 === 0) gens.push({ name: freshName(db), restoreFrom: { generation: name } });
      return did(`generation ${JSON.stringify(g)}`);
    }
    case 'serving': {
      const s = pick(namesOf(db), e.b);
      db.serving = s;
      return did(`serving ${s}`);
    }
    case 'retire': {
      const s = pick(namesOf(db), e.b)!;
      db.retired = [...new Set([...(db.retired ?? []), s])];
      if (e.c % 3 === 0) db.acknowledge = [...new Set([...(db.acknowledge ?? []), `destroys-data:${s}`])];
      return did(`retire ${s}`);
    }
    case 'decommission': {
      // Mostly on: with it, retiring every generation (the serving one too) becomes possible.
      db.decommission = e.a % 4 !== 0;
      if (e.c % 2) db.consumers = [];
      return did(`decommission: ${db.decommission}${e.c % 2 ? ', consumers removed' : ''}`);
    }
    case 'unlist': {
      const gens = generationsOf(db);
      if (gens.length < 2) return did('one generation');
      const [g] = gens.splice(e.b % gens.length, 1);
      if (e.c % 2) db.retired = (db.retired ?? []).filter((r: string) => r !== g.name);
      return did(`unlist ${g.name}`);
    }
    case 'rename-database': {
      if (typeof db.database !== 'string') return did('no database field');
      const was = db.database;
      db.database = `${was}_new`;
      return did(`database ${was} → ${db.database}`);
    }
    case 'rename-db-entry': {
      const was = db.name;
      if (!Array.isArray(db.generations)) db.generations = [{ name: db.name }];
      db.name = `${was}-renamed`;
      return did(`name ${was} → ${db.name}`);
    }
    case 'instance-set': {
      if (!Array.isArray(db.instances)) return did('no instance sets');
      const i = e.b % db.instances.length;
      const mode = e.c % 3;
      if (mode === 0) db.instances[i] = { ...db.instances[i], name: `${db.instances[i].name}x` };
      else if (mode === 1) db.instances.push({ name: `set${e.c % 4}`, replicas: 1 });
      else if (db.instances.length > 1) db.instances.splice(i, 1);
      return did(`instance sets ${db.instances.map((s: Json) => s.name).join(',')}`);
    }
    case 'namespace': {
      const was = db.namespace ?? next['pgfleet:namespace'];
      if (e.b % 2) db.namespace = `${was}-b`;
      else next['pgfleet:namespace'] = `${next['pgfleet:namespace']}-b`;
      return did(`namespace ${was} → ${db.namespace ?? next['pgfleet:namespace']}`);
    }
    case 'version': {
      const gens = generationsOf(db);
      const mode = e.b % 3;
      if (mode === 0) db.postgresVersion += 1;
      else if (mode === 1) db.postgresVersion -= 1;
      else {
        const g = pick(gens, e.c)!;
        g.postgresVersion = (g.postgresVersion ?? db.postgresVersion) + 1;
      }
      return did(`version ${mode}`);
    }
    case 'ack-add': {
      const subject = pick([...namesOf(db), ...(db.retired ?? [])], e.b) ?? db.name;
      const ack = `${e.c % 2 ? 'destroys-data' : 'irreversible'}:${subject}`;
      db.acknowledge = [...new Set([...(db.acknowledge ?? []), ack])];
      return did(ack);
    }
    case 'ack-remove': {
      if (!db.acknowledge?.length) return did('no acknowledgement');
      const [gone] = db.acknowledge.splice(e.b % db.acknowledge.length, 1);
      return did(`removed ${gone}`);
    }
    case 'engine-specific':
      return did(engineSpecific(db, e));
  }
}

function editRepos(db: Json, e: Edit): string {
  switch (db.engine) {
    case 'crunchy': {
      const repos: Json[] = db.backups.repos;
      if (e.b % 2 && repos.length > 1) return `removed repo ${repos.splice(e.c % repos.length, 1)[0].name}`;
      if (e.b % 2) {
        repos.splice(0, 1);
        repos.push({ name: 'repo2', s3: s3Repo(e), schedules: { full: '0 1 * * *' }, retention: { full: 3 } });
        return 'replaced the only repo with an s3 repo2';
      }
      const free = ['repo1', 'repo2', 'repo3', 'repo4'].find((n) => !repos.some((r) => r.name === n));
      if (!free) return 'no free repo slot';
      repos.push({ name: free, s3: s3Repo(e), schedules: { full: '0 1 * * *' }, retention: { full: 3 } });
      return `added s3 ${free}`;
    }
    case 'patroni':
      if (db.backup.s3) {
        delete db.backup.s3;
        return 'removed backup.s3';
      }
      db.backup.s3 = {
        endpoint: 'https://s3.example.com',
        bucket: `copy-${e.c % 3}`,
        credentials: { existingSecret: { name: 'backup-s3' } },
      };
      // S3 copies need backup-container 2.7.0 or later.
      db.backup.image = 'docker.io/bcgovimages/backup-container:2.13.0';
      return 'added backup.s3 (backup-container 2.13.0)';
    case 'cnpg':
      db.backup.method = db.backup.method === 'barmanObjectStore' ? 'plugin' : 'barmanObjectStore';
      return `backup.method ${db.backup.method}`;
    case 'standalone': {
      const b = db.backup;
      if (b.method === 'blackbox') {
        if (b.storage.length > 1 && e.b % 2) return `removed blackbox storage ${b.storage.splice(e.c % b.storage.length, 1)[0].id}`;
        b.storage.push({ ...b.storage[0], id: `extra_${e.c % 3}`, bucket: 'blackbox-extra' });
        return 'added a blackbox storage';
      }
      if (b.target?.pvc) {
        b.target = { s3: { bucket: 'dumps', prefix: 'pydis/', credentials: { existingSecret: { name: 'dump-s3' } } } };
        return 'dump target pvc → s3';
      }
      b.target = { pvc: { size: '20Gi' } };
      return 'dump target s3 → pvc';
    }
    case 'spilo':
      if (db.backup?.bucket) {
        db.backup.bucket = `${db.backup.bucket}-2`;
        return 'backup.bucket changed';
      }
      return 'no spilo backup';
    default:
      return 'no repositories';
  }
}

const s3Repo = (e: Edit) => ({
  bucket: `pgbackrest-${e.c % 3}`,
  endpoint: 's3.ca-central-1.amazonaws.com',
  region: 'ca-central-1',
  credentials: { existingSecret: { name: 'pgbackrest-s3' } },
});

function engineSpecific(db: Json, e: Edit): string {
  const gens = generationsOf(db);
  const g = pick(gens, e.b)!;
  switch (db.engine) {
    case 'crunchy': {
      const mode = e.c % 6;
      const v = g.postgresVersion ?? db.postgresVersion;
      if (mode === 0) g.upgrade = { to: v + 1, phase: 'prepare' };
      else if (mode === 1) g.upgrade = { to: g.upgrade?.to ?? v + 1, phase: 'complete' };
      else if (mode === 2) {
        const to = g.upgrade?.to;
        delete g.upgrade;
        if (to !== undefined && e.a % 2) g.postgresVersion = to;
      } else if (mode === 3) db.backups.manual = { id: `before-${e.a % 50}`, ...(e.a % 2 ? { generation: g.name } : {}) };
      else if (mode === 4) g.restoreInPlace = { id: `r${e.a % 9}`, targetTime: '2026-01-01T00:00:00Z' };
      else delete db.backups.manual;
      return `crunchy ${mode} on ${g.name}`;
    }
    case 'cnpg':
      if (e.c % 2) db.backup.onDemand = { id: `b${e.a % 20}` };
      else db.instances = (db.instances ?? 1) + (e.a % 2 ? 1 : -1 + (db.instances > 1 ? 0 : 2));
      return 'cnpg';
    case 'patroni':
      if (e.c % 2) db.inPlaceRestore = { generation: g.name, id: `r${e.a % 9}`, targetTime: '2026-01-01T00:00:00Z' };
      else delete db.inPlaceRestore;
      return `patroni inPlaceRestore on ${g.name}`;
    case 'spilo':
      if (e.c % 2) g.backupLocation = `wal/${g.name}-own`;
      else db.dcs = { configMaps: !(db.dcs?.configMaps ?? true) };
      return 'spilo';
    case 'standalone':
      if (e.c % 2) db.writers = [...(db.writers ?? []).slice(1)];
      else db.replicas = 2;
      return 'standalone';
    default:
      return 'none';
  }
}
