/**
 * Building blocks of the field-coverage test's inputs (field-coverage-stacks.ts): markers that
 * rename what other fields refer to, credentials, the fields every database entry has.
 */
export type Db = Record<string, any>;

/** Where the field is set in the base, for markers that depend on it. */
export interface At {
  readonly path: readonly (string | number)[];
  readonly value: unknown;
}

/** What a field is set to: a value, or a change of the database entry (for fields others refer to). */
export type Marker = unknown | ((db: Db, at: At) => void);

/**
 * Renames a name everywhere in the database entry: where it is the whole value, in an
 * acknowledgement (`destroys-data:<name>`) and in a dump path (`/<name>-<database>_…`).
 */
export const renameIn = (db: Db, from: string, to: string) => {
  let text = JSON.stringify(db);
  for (const [a, b] of [
    [`"${from}"`, `"${to}"`],
    [`:${from}"`, `:${to}"`],
    [`/${from}-`, `/${to}-`],
  ])
    text = text.split(a).join(b);
  Object.assign(db, JSON.parse(text));
};
export const rename = (from: string, to: string) => (db: Db) => renameIn(db, from, to);
/** The field's own value renamed (with an "x"), everywhere it is referred to. */
export const renamed: Marker = (db: Db, at: At) => renameIn(db, at.value as string, `${at.value as string}x`);
export const generationRenamed = renamed;

export const generationNames = (db: Db): string[] => (db.generations ?? [{ name: db.name }]).map((g: Db) => g.name);
export const live = (db: Db) => generationNames(db).filter((n) => !(db.retired ?? []).includes(n));
/** A live generation nothing refers to and that is not serving: one that can be retired or served. */
export const spare = (db: Db) => live(db).find((n) => n !== db.serving && JSON.stringify(db).split(`"${n}"`).length === 2)!;
/** Markers every engine shares. */
export const SHARED_MARKERS: Record<string, Marker> = {
  serving: (db: Db) => (db.serving = spare(db)),
  retired: (db: Db) => (db.retired = [...(db.retired ?? []), spare(db)]),
  'generations[].name': generationRenamed,
};

export const VAULT = { server: 'https://vault.example:8200', mountPath: 'kubernetes-site' };
export const vault = (path: string) => ({
  vault: {
    path,
    role: `${path.split('/').pop()}-role`,
    refreshInterval: '11h',
    tokenTtl: '24h',
    server: 'https://vault2.example:8200',
    mountPath: 'k8s-2',
  },
});
export const secret = { existingSecret: { name: 'keys', accessKeyIdKey: 'id', secretAccessKeyKey: 'secret' } };

/** Shared by every engine's database entry. */
export const common = (name: string, live: string[]) => ({
  name,
  namespace: `${name}-ns`,
  serving: live[0],
  consumers: [{ app: `${name}-app`, secretName: `${name}-database-url`, key: 'DATABASE_URL' }],
  acknowledge: [] as string[],
});

/** Fields only pgfleet reads, by engine, with why. */
export const SHARED_CONSUMED = {
  engine: 'selects the engine: another value is another schema',
  acknowledge: "pgfleet's gate reads it (pgfleet diff, synth): the operator never sees it",
  'recovery.rpo':
    "pgfleet checks it against each live generation's guarantee (synth refuses settings that miss it) and records it in state and pgfleet report; no manifest carries it",
  'recovery.window':
    "pgfleet checks it against each live generation's guarantee (synth refuses settings that miss it) and records it in state and pgfleet report; no manifest carries it",
  decommission: "pgfleet reads it (lifts Pulumi's protect, allows retiring the last generation): the operator never sees it",
};

/**
 * A restore drill (`drill`): the check gives its expected result as `atLeast` or as `equals` (one of
 * the two), in the named database (else the engine's default), with the drill's own credentials or the backup's.
 */
export const drillOf = (database: string | undefined, expect: 'atLeast' | 'equals', credentials?: unknown) => ({
  schedule: '30 5 * * 0',
  check: {
    ...(database ? { database } : {}),
    query: 'select count(*) from pg_class',
    ...(expect === 'atLeast' ? { atLeast: 10 } : { equals: '42' }),
  },
  ...(credentials ? { credentials } : {}),
  image: 'registry.example/drill:17.2',
  scratchSize: '20Gi',
  deadlineSeconds: 1800,
});

/** The drill credentials branches an engine refuses, as consumed fields, with why. */
export const refusedDrillCredentials = (branches: readonly ('vault' | 'existingSecret' | 'keyFileSecret')[], why: string) => {
  const leaves = {
    vault: [
      '<0>.vault.path',
      '<0>.vault.role',
      '<0>.vault.refreshInterval',
      '<0>.vault.tokenTtl',
      '<0>.vault.server',
      '<0>.vault.mountPath',
    ],
    existingSecret: ['<1>.existingSecret.name', '<1>.existingSecret.accessKeyIdKey', '<1>.existingSecret.secretAccessKeyKey'],
    keyFileSecret: ['<2>.keyFileSecret.name', '<2>.keyFileSecret.key'],
  };
  return Object.fromEntries(branches.flatMap((b) => leaves[b].map((l) => [`drill.credentials${l}`, `refused: ${why}`])));
};

export const CLIENT_MAJOR =
  'the postgresql-client major the backup image installs: pgfleet checks it against the servers; the image decides';

/** tokenTtl states the Vault role's token TTL: pgfleet checks refreshInterval against it; Vault sets the TTL. */
export const TOKEN_TTL =
  'the Vault role sets the token TTL; pgfleet only checks that refreshInterval is shorter (Vault revokes leases with their token)';
export const tokenTtl = (...paths: string[]) => Object.fromEntries(paths.map((p) => [`${p}.vault.tokenTtl`, TOKEN_TTL]));

/** What the field-coverage test knows of one engine. */
export interface EngineCoverage {
  /** Stacks that together set every field. */
  readonly bases: Record<string, Record<string, unknown>>;
  /** Markers beyond the shared ones. @default {} */
  readonly markers?: Record<string, Marker>;
  /** Fields only pgfleet reads, with why; `key@base1,base2` for the bases that do not read it. @default {} */
  readonly consumed?: Record<string, string>;
  /** Fields known not to reach the output (reported to the engine's owners). @default {} */
  readonly lost?: Record<string, string>;
}
