/**
 * The stack file schema: the `pgfleet:*` keys of a Pulumi stack config file
 * (`stacks/Pulumi.<system>-<env>.yaml`). Each engine contributes the schema of its database
 * entries; the config layer knows engines only through {@link EngineSchema}.
 */
import { z } from 'zod';
import { databaseBase, httpUrl, issue, labelMap, objectName, type RestoreFromInput } from './schema-parts';

/** What the config layer needs of an engine: its name and the schema of its database entries. */
export interface EngineSchema {
  /** The `engine:` value of its database entries, e.g. `cnpg`. */
  readonly name: string;
  /** The zod schema of one database entry, with `engine: z.literal(name)`. */
  readonly schema: z.ZodObject;
}

/** Vault defaults shared by every credential in the stack. */
const vaultDefaults = z
  .object({
    server: httpUrl.meta({ description: 'Vault address.', examples: ['https://vault.example.com:8200'] }),
    mountPath: z
      .string()
      .min(1)
      .default('kubernetes')
      .meta({ description: 'Kubernetes auth mount.', examples: ['k8s-silver'] }),
  })
  .strict();

/** The keys of a stack, without `databases`. Keys are the Pulumi config keys without the `pgfleet:` prefix. */
const stackFields = {
  environment: objectName(20)
    .optional()
    .meta({
      description: 'Environment name, shown in labels and plans. Default: the part of the stack name after the last "-".',
      examples: ['prod'],
    }),
  namespace: objectName(63).meta({ description: 'Namespace of databases that do not set one.', examples: ['forgejo'] }),
  labels: labelMap.default({}).meta({ description: 'Labels added to every object.', examples: [{ team: 'platform' }] }),
  vault: vaultDefaults.optional().meta({
    description: 'Vault defaults shared by every credential in the stack. Default: none; every Vault credential must then name its server.',
  }),
};

/** The engine of a database entry (the schema admitted only registered names). */
export function engineNamed<E extends EngineSchema>(engines: readonly E[], name: string): E {
  const e = engines.find((x) => x.name === name);
  if (!e) throw new Error(`no engine ${name} (registered: ${engines.map((x) => x.name).join(', ')})`);
  return e;
}

const schemas = new WeakMap<readonly EngineSchema[], { stack: z.ZodType; database: z.ZodType }>();

/** The schema of a stack file's `pgfleet:` keys for a set of engines (built once per set). */
export function stackSchemaOf(engines: readonly EngineSchema[]): { readonly stack: z.ZodType; readonly database: z.ZodType } {
  let s = schemas.get(engines);
  if (!s) {
    const database = z.discriminatedUnion('engine', engines.map((e) => e.schema) as [z.ZodObject, ...z.ZodObject[]]);
    const databases = z
      .array(database)
      .superRefine((d, ctx) => {
        // A stack left without databases would delete all of them: that takes a decommission each.
        if (!d.length)
          issue(
            ctx,
            'at least one database',
            'list a database; to delete the last one, decommission it (README, "Decommission a database") and then remove the stack file',
          );
      })
      .meta({ description: 'The databases of this stack, each run by its `engine`.', minItems: 1 });
    const stack = z.object({ ...stackFields, databases }).strict();
    s = { stack, database };
    schemas.set(engines, s);
  }
  return s;
}

/** A generation entry as every engine has it (engines add fields of their own). */
export interface GenerationSpec {
  readonly name: string;
  readonly postgresVersion?: number;
  readonly restoreFrom?: RestoreFromInput;
  readonly upgradeFrom?: { readonly generation: string };
}

/** `migrateFrom` of a generation on another engine, as parsed (schema: engine-migration.ts). */
export interface MigrateFromSpec {
  readonly generation: string;
  readonly method?: 'import' | 'dump';
  readonly type?: 'microservice' | 'monolith';
  readonly databases?: readonly string[];
  readonly roles?: readonly string[];
  readonly extensions?: readonly string[];
  readonly sourceUser?: string;
}

/** The settings of a database's generations on one other engine, parsed with that engine's schema. */
export interface EngineSettings {
  readonly engine: string;
  /** The database entry as that engine sees it: its block, the shared keys and its generations. */
  readonly spec: DatabaseSpec;
  /** Config path of its block, e.g. `pgfleet:databases[0].cnpg`. */
  readonly path: string;
  /** Position in the stack's `generations` list of each of `spec.generations`. */
  readonly positions: readonly number[];
  /** `migrateFrom` of each of `spec.generations`, when set. */
  readonly migrateFrom: readonly (MigrateFromSpec | undefined)[];
  /**
   * Keys of `spec` taken from the database entry, its block setting none (`drill`: the entry's
   * drill, drilling this engine's generations too); their problems belong at the entry's keys.
   */
  readonly inherited: readonly string[];
  /** Where the major of its generations that set none is written: the block's, the first generation's or the entry's. */
  readonly versionPath: string;
}

/** What a database entry holds on engines other than its own (engine migration), once parsed. */
export interface OtherEngines {
  /** Position in the stack's `generations` list of each of the entry's own `generations`. */
  readonly positions: readonly number[];
  readonly settings: readonly EngineSettings[];
}

/** A database entry as every engine has it; each engine's spec type extends this. */
export type DatabaseSpec = z.output<z.ZodObject<typeof databaseBase & { engine: z.ZodString }>> & {
  readonly generations?: readonly GenerationSpec[];
  /** Generations on other engines and those engines' settings (lib/config/engine-migration.ts). @default - none */
  readonly otherEngines?: OtherEngines;
};

/** A parsed stack's own keys and its databases. */
export type StackConfig = z.output<z.ZodObject<typeof stackFields>> & { readonly databases: readonly DatabaseSpec[] };
