/**
 * The stack file schema: the `pgfleet:*` keys of a Pulumi stack config file
 * (`stacks/Pulumi.<system>-<env>.yaml`). Each engine contributes its database schema.
 */
import { z } from 'zod';
import { cnpgDatabase } from '../engines/cnpg/cnpg-schema';
import { objectName } from './schema-parts';
import { crunchyDatabase } from '../engines/crunchy/crunchy-schema';
import { patroniDatabase } from '../engines/patroni/patroni-schema';
import { spiloDatabase } from '../engines/spilo/spilo-schema';
import { standaloneDatabase } from '../engines/standalone/standalone-schema';

export const ENGINES = ['cnpg', 'crunchy', 'spilo', 'patroni', 'standalone'] as const;
export type EngineName = (typeof ENGINES)[number];

export const databaseSchema = z.discriminatedUnion('engine', [cnpgDatabase, crunchyDatabase, spiloDatabase, patroniDatabase, standaloneDatabase]);

/** Vault defaults shared by every credential in the stack. */
const vaultDefaults = z
  .object({
    /** Vault address, e.g. `https://vault.example.com:8200`. */
    server: z.string().url(),
    /** Kubernetes auth mount. @default kubernetes */
    mountPath: z.string().min(1).default('kubernetes'),
  })
  .strict();

/** Keys are the Pulumi config keys without the `pgfleet:` prefix. */
export const stackSchema = z
  .object({
    /** Environment name, shown in labels and plans. @default - the part of the stack name after the last "-" */
    environment: objectName(20).optional(),
    /** Namespace of databases that do not set one. */
    namespace: objectName(63),
    /** Labels added to every object. @default {} */
    labels: z.record(z.string(), z.string()).default({}),
    /** @default - none; every Vault credential must then name its server */
    vault: vaultDefaults.optional(),
    databases: z.array(databaseSchema).min(1, { message: 'at least one database' }),
  })
  .strict();

export type StackConfig = z.output<typeof stackSchema>;
export type DatabaseSpec = z.output<typeof databaseSchema>;
