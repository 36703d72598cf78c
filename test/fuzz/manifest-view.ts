/**
 * The fuzzer's own reading of a stack's rendered output (`dist/<stack>/`), independent of
 * pgfleet's state file and classifier: per generation, the objects that hold its data, the sizes
 * of its volumes, where it archives, how long backups are kept, its major, where a new one
 * restores from; and which generation each consumer reads. Only the manifests and the stack
 * config are read, with what each operator is known to do with them.
 */
import { parse } from 'yaml';

type Manifest = Record<string, any>;

/** A volume of a generation: its size in bytes and class; `scratch` ones are rebuilt at will (verification, upgrade dump). */
export interface VolumeView {
  readonly bytes: number;
  readonly size: string;
  readonly storageClass?: string;
  readonly scratch: boolean;
}

/** Where a new generation gets its data from. */
export interface SourceRead {
  /** An archive location it reads (same form as GenerationView.archives values), or a live server's object key. */
  readonly location: string;
  /** How: a physical restore must match the major of what it reads. */
  readonly physical: boolean;
}

export interface GenerationView {
  readonly name: string;
  readonly database?: string;
  /** Data-holding objects (`kind/name`) with the fields that cannot change without replacing them. */
  readonly objects: Map<string, string>;
  readonly volumes: Map<string, VolumeView>;
  /** Archive locations by repository key. */
  readonly archives: Map<string, string>;
  /** Retention by key: a number (days or copies, per key) or Infinity when nothing expires. */
  readonly retention: Map<string, number | string>;
  major?: number;
  /** What its bootstrap reads (restore, clone, import, dump of a live server). */
  readonly reads: SourceRead[];
  /** Jobs that load data into it (restore, import), by name. */
  readonly loaders: Set<string>;
  /** PGO: shutdown requested, and the manual-backup annotation. */
  shutdown?: boolean;
  manualBackup?: string;
  /** A PGUpgrade exists for it. */
  pgUpgrade?: number;
}

export interface OutputView {
  readonly generations: Map<string, GenerationView>;
  /** Consumer (ExternalSecret or Service) → the generation it reaches. */
  readonly consumers: Map<string, string>;
}

const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** A Kubernetes quantity in bytes (NaN when it is not one). */
export function bytesOf(q: unknown): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(q));
  return m ? Number(m[1]) * UNITS[m[2] ?? ''] : NaN;
}

/** A Barman recovery window in days (`10d`, `4w`, `3m`), Infinity when absent. */
function windowDays(v: unknown): number {
  if (v === undefined || v === null) return Infinity;
  const m = /^(\d+)([dwm])$/.exec(String(v));
  return m ? Number(m[1]) * { d: 1, w: 7, m: 30 }[m[2] as 'd' | 'w' | 'm'] : NaN;
}

const VALUES_FILE = /^helmrelease-(.+)\.values\.yaml$/;

/** Parsed files by their text: most files are the same from one step to the next. */
const parsed = new Map<string, unknown>();
function parseCached(text: string): unknown {
  let v = parsed.get(text);
  if (v === undefined) {
    if (parsed.size > 20000) parsed.clear();
    v = parse(text) ?? null;
    parsed.set(text, v);
  }
  return v;
}

function manifestsOf(files: ReadonlyMap<string, string>): { file: string; m: Manifest }[] {
  const out: { file: string; m: Manifest }[] = [];
  for (const [file, text] of files) {
    if (!/\.ya?ml$/.test(file) || file === 'kustomization.yaml') continue;
    const m = parseCached(text) as Manifest | null;
    if (!m || typeof m !== 'object') continue;
    if (VALUES_FILE.test(file)) {
      // The header names the release's namespace: `# Values for chart <c> <v> from <repo>, release <r> in <ns>.`
      const namespace = / in (\S+)\.$/m.exec(text.split('\n').find((l) => l.startsWith('# Values for chart')) ?? '')?.[1];
      out.push({
        file,
        m: { apiVersion: 'helm', kind: 'HelmValues', metadata: { name: VALUES_FILE.exec(file)![1], namespace }, values: m },
      });
    } else if (m.kind) out.push({ file, m });
  }
  return out;
}

/** Every container and init container of a pod-bearing object. */
function containersOf(m: Manifest): Manifest[] {
  const pod = m.kind === 'CronJob' ? m.spec?.jobTemplate?.spec?.template?.spec : m.spec?.template?.spec;
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
}

function podVolumes(m: Manifest): Manifest[] {
  const pod = m.kind === 'CronJob' ? m.spec?.jobTemplate?.spec?.template?.spec : m.spec?.template?.spec;
  return pod?.volumes ?? [];
}

function envOf(m: Manifest): Map<string, string> {
  const env = new Map<string, string>();
  for (const c of containersOf(m)) for (const e of c.env ?? []) if (e.value !== undefined) env.set(e.name, String(e.value));
  return env;
}

/**
 * Reads a stack's output. `generationsOf` maps each generation name the stacks list to its
 * database (Helm values carry no labels).
 */
export function viewOf(files: ReadonlyMap<string, string>, databaseOf: ReadonlyMap<string, string>): OutputView {
  const all = manifestsOf(files);
  const gens = new Map<string, GenerationView>();
  const known = [...databaseOf.keys()].sort((a, b) => b.length - a.length);
  const genOfName = (name: string) => known.find((g) => name === g || name.startsWith(`${g}-`));
  const gen = (name: string): GenerationView => {
    let g = gens.get(name);
    if (!g) {
      g = {
        name,
        database: databaseOf.get(name),
        objects: new Map(),
        volumes: new Map(),
        archives: new Map(),
        retention: new Map(),
        reads: [],
        loaders: new Set(),
      };
      gens.set(name, g);
    }
    return g;
  };
  const genLabel = (m: Manifest): string | undefined =>
    m.metadata?.labels?.['pgfleet.io/generation'] ?? genOfName(String(m.metadata?.name));
  const byKindName = new Map(all.map(({ m }) => [`${m.kind}/${m.metadata?.name}`, m]));
  const ns = (m: Manifest) => String(m.metadata?.namespace ?? '');
  const vol = (g: GenerationView, id: string, size: unknown, storageClass: unknown, scratch = false) => {
    if (size === undefined) return;
    g.volumes.set(id, { bytes: bytesOf(size), size: String(size), storageClass: storageClass as string | undefined, scratch });
  };

  for (const { m } of all) {
    const name = String(m.metadata?.name);
    const g = m.kind === 'HelmValues' ? gen(name) : genLabel(m) ? gen(genLabel(m)!) : undefined;
    if (!g) continue;
    const identity = (fields: unknown) => g.objects.set(`${m.kind}/${name}`, JSON.stringify({ ns: ns(m), ...(fields as object) }));
    switch (m.kind) {
      case 'Cluster': {
        const s = m.spec;
        identity({});
        vol(g, 'cnpg:data', s.storage?.size, s.storage?.storageClass);
        vol(g, 'cnpg:wal', s.walStorage?.size, s.walStorage?.storageClass);
        g.major = s.imageCatalogRef?.major ?? Number(/:(\d+)/.exec(String(s.imageName))?.[1]);
        const store = (objectName: string) => byKindName.get(`ObjectStore/${objectName}`)?.spec;
        const archiver = (s.plugins ?? []).find((p: Manifest) => p.isWALArchiver);
        if (archiver) {
          const os = store(archiver.parameters?.barmanObjectName);
          g.archives.set('barman', `${os?.configuration?.destinationPath}${archiver.parameters?.serverName}/`);
          g.retention.set('barman', windowDays(os?.retentionPolicy));
        } else if (s.backup?.barmanObjectStore) {
          const b = s.backup.barmanObjectStore;
          g.archives.set('barman', `${b.destinationPath}${b.serverName ?? name}/`);
          g.retention.set('barman', windowDays(s.backup.retentionPolicy));
        }
        const source = s.bootstrap?.recovery?.source;
        if (source) {
          const ext = (s.externalClusters ?? []).find((e: Manifest) => e.name === source);
          const loc = ext?.plugin
            ? `${store(ext.plugin.parameters?.barmanObjectName)?.configuration?.destinationPath}${ext.plugin.parameters?.serverName}/`
            : `${ext?.barmanObjectStore?.destinationPath}${ext?.barmanObjectStore?.serverName ?? source}/`;
          g.reads.push({ location: loc, physical: true });
        }
        break;
      }
      case 'PostgresCluster': {
        const s = m.spec;
        identity({});
        for (const i of s.instances ?? []) {
          vol(g, `instance:${i.name}`, i.dataVolumeClaimSpec?.resources?.requests?.storage, i.dataVolumeClaimSpec?.storageClassName);
        }
        const pgb = s.backups?.pgbackrest ?? {};
        const global = pgb.global ?? {};
        for (const r of pgb.repos ?? []) {
          const path = global[`${r.name}-path`] ?? `/pgbackrest/${r.name}`;
          const url = r.volume
            ? `pvc://${ns(m)}/${name}-${r.name}/`
            : r.s3
              ? `s3://${r.s3.bucket}${path}`
              : r.gcs
                ? `gs://${r.gcs.bucket}${path}`
                : `azure://${r.azure?.container}${path}`;
          g.archives.set(r.name, url);
          if (r.volume)
            vol(g, `repo:${r.name}`, r.volume.volumeClaimSpec?.resources?.requests?.storage, r.volume.volumeClaimSpec?.storageClassName);
          const full = global[`${r.name}-retention-full`];
          g.retention.set(r.name, full === undefined ? Infinity : `${global[`${r.name}-retention-full-type`] ?? 'count'}:${full}`);
        }
        g.major = s.postgresVersion;
        g.shutdown = s.shutdown === true;
        g.manualBackup = m.metadata?.annotations?.['postgres-operator.crunchydata.com/pgbackrest-backup'];
        const ds = s.dataSource?.postgresCluster;
        if (ds) g.reads.push({ location: `repo-of:${ds.clusterName}:${ds.repoName}`, physical: true });
        const pds = s.dataSource?.pgbackrest;
        if (pds) {
          const r = pds.repo;
          const path = pds.global?.[`${r.name}-path`] ?? `/pgbackrest/${r.name}`;
          g.reads.push({
            location: r.s3 ? `s3://${r.s3.bucket}${path}` : r.gcs ? `gs://${r.gcs.bucket}${path}` : `azure://${r.azure?.container}${path}`,
            physical: true,
          });
        }
        if (pgb.restore?.enabled)
          g.loaders.add(`in-place:${m.metadata?.annotations?.['postgres-operator.crunchydata.com/pgbackrest-restore']}`);
        break;
      }
      case 'PGUpgrade':
        g.pgUpgrade = m.spec?.toPostgresVersion;
        break;
      case 'HelmValues': {
        const v = m.values;
        identity({ enabled: v.persistentVolume?.enabled, dcs: v.kubernetes });
        vol(g, 'helm:data', v.persistentVolume?.size, v.persistentVolume?.storageClass);
        if (v.walE?.enable) {
          g.archives.set('wal', `gs://${v.walE.gcsBucket}/${v.walE.gcsBucketBackupLocation}`);
          g.retention.set('wal', v.walE.retainBackups ?? Infinity);
        }
        g.major = Number(v.env?.PGVERSION);
        if (v.env?.CLONE_WALG_GS_PREFIX) g.reads.push({ location: v.env.CLONE_WALG_GS_PREFIX, physical: false });
        break;
      }
      case 'StatefulSet': {
        identity({
          templates: (m.spec.volumeClaimTemplates ?? []).map((t: Manifest) => t.metadata?.name),
          selector: m.spec.selector,
        });
        for (const t of m.spec.volumeClaimTemplates ?? []) {
          vol(g, `sts:${name}/${t.metadata?.name}`, t.spec?.resources?.requests?.storage, t.spec?.storageClassName);
        }
        break;
      }
      case 'PersistentVolumeClaim': {
        const scratch = /-(verify|dump)$/.test(name);
        if (!scratch) identity({ storageClass: m.spec?.storageClassName, accessModes: m.spec?.accessModes });
        vol(g, `pvc:${name}`, m.spec?.resources?.requests?.storage, m.spec?.storageClassName, scratch);
        break;
      }
      case 'CronJob': {
        if (!/-backup(-|$)/.test(name) || /-verify$/.test(name)) break;
        const env = envOf(m);
        for (const v of podVolumes(m)) {
          const claim = v.persistentVolumeClaim?.claimName;
          if (claim) g.archives.set(`claim:${claim}`, `pvc://${ns(m)}/${claim}/`);
        }
        if (env.get('S3_BUCKET')) g.archives.set('s3copy', `s3://${env.get('S3_BUCKET')}/`);
        const text = JSON.stringify(m);
        for (const r of text.match(/archive:[a-z0-9.-]+\/[^\s"'\\]*/g) ?? []) g.archives.set('rclone', `s3://${r.slice(8)}`);
        for (const k of ['DAILY_BACKUPS', 'WEEKLY_BACKUPS', 'MONTHLY_BACKUPS', 'NUM_BACKUPS'])
          if (env.has(k)) g.retention.set(k, Number(env.get(k)));
        if (env.has('DUMP_PREFIX')) g.retention.set('dump-days', env.has('RETENTION_DAYS') ? Number(env.get('RETENTION_DAYS')) : Infinity);
        break;
      }
      case 'Job': {
        if (/-(restore|import)(-|$)/.test(name)) g.loaders.add(name);
        const env = envOf(m);
        const text = JSON.stringify(m);
        for (const v of podVolumes(m)) {
          const claim = v.persistentVolumeClaim?.claimName;
          if (claim && genOfName(claim) !== g.name) g.reads.push({ location: `pvc://${ns(m)}/${claim}/`, physical: false });
        }
        for (const r of text.match(/archive:[a-z0-9.-]+\/[^\s"'\\]*/g) ?? []) {
          g.reads.push({ location: `s3://${r.slice(8)}`, physical: false });
        }
        const host = env.get('PGHOST');
        const server = host ? genOfName(host.split('.')[0]) : undefined;
        if (server && server !== g.name) g.reads.push({ location: `server:${server}`, physical: false });
        break;
      }
      default:
    }
  }

  // blackbox dumps whatever server its config names (the Service of the serving generation) to every storage target.
  for (const { m } of all) {
    const text = m.kind === 'ConfigMap' ? m.data?.['blackbox.yaml'] : undefined;
    if (typeof text !== 'string') continue;
    // Every generation of the database is backed up while it serves: each target holds a copy of each one's dumps.
    const database = m.metadata?.labels?.['pgfleet.io/database'];
    const storage = /^storage:\n((?: {2}.*\n)*)/m.exec(text)?.[1] ?? '';
    const days = /^retention_days: (\d+)/m.exec(text)?.[1];
    for (const g of [...gens.values()].filter((x) => x.database === database && x.objects.size > 0)) {
      for (const [, id, bucket] of storage.matchAll(/^ {4}(\S+):\n {6}bucket: (\S+)\n/gm))
        g.archives.set(`blackbox:${id}`, `s3://${bucket}/`);
      g.retention.set('blackbox', days === undefined ? Infinity : Number(days));
    }
  }

  const consumers = new Map<string, string>();
  for (const { m } of all) {
    if (m.kind === 'ExternalSecret' && m.metadata?.annotations?.['pgfleet.io/consumer'] !== undefined) {
      const target = genOfName(String(m.metadata.annotations['pgfleet.io/connection-secret']));
      if (target) consumers.set(`ExternalSecret/${m.metadata.name}`, target);
    }
    if (m.kind === 'Service' && m.spec?.selector?.['pgfleet.io/role'] === 'server' && m.spec?.clusterIP !== 'None') {
      consumers.set(`Service/${m.metadata.name}`, m.spec.selector['pgfleet.io/generation']);
    }
  }
  return { generations: gens, consumers };
}

/** Generation name → database name, from stack configs (`pgfleet:databases`). */
export function databasesOfConfigs(...configs: Record<string, unknown>[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of configs) {
    for (const db of (c['pgfleet:databases'] as Manifest[] | undefined) ?? []) {
      if (!db || typeof db !== 'object') continue;
      const gens: Manifest[] = Array.isArray(db.generations) ? db.generations : [{ name: db.name }];
      for (const g of gens) if (g && typeof g.name === 'string') out.set(g.name, String(db.name));
      for (const r of Array.isArray(db.retired) ? db.retired : []) if (typeof r === 'string') out.set(r, String(db.name));
    }
  }
  return out;
}
