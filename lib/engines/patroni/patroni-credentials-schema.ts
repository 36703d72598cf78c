/**
 * The credentials part of a Patroni database's stack schema: where the superuser, replication and
 * application logins come from, and under which keys of their Secret.
 *
 * @see https://github.com/bcgov/patroni-postgres-container
 */
import { z } from 'zod';
import { objectName, vaultCredentials } from '../../config/schema-parts';

const secretKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, { message: 'a Secret key: letters, digits, "-", "_" or "."' });

/** Keys of the credentials Secret; the defaults are those of hcap's `patroni.prep.yml`. */
const credentialKeys = z
  .object({
    superuserUsername: secretKey
      .default('superuser-username')
      .meta({ description: "Key of the superuser's name.", examples: ['PATRONI_SUPERUSER_USERNAME'] }),
    superuserPassword: secretKey
      .default('superuser-password')
      .meta({ description: "Key of the superuser's password.", examples: ['PATRONI_SUPERUSER_PASSWORD'] }),
    replicationUsername: secretKey
      .default('replication-username')
      .meta({ description: "Key of the replication user's name.", examples: ['PATRONI_REPLICATION_USERNAME'] }),
    replicationPassword: secretKey
      .default('replication-password')
      .meta({ description: "Key of the replication user's password.", examples: ['PATRONI_REPLICATION_PASSWORD'] }),
    appUsername: secretKey
      .default('db-username')
      .meta({ description: "Key of the name of the application user the image's post_init creates (APP_USER).", examples: ['APP_USER'] }),
    appPassword: secretKey
      .default('db-password')
      .meta({ description: "Key of the application user's password (APP_PASSWORD).", examples: ['APP_PASSWORD'] }),
  })
  .strict();

/**
 * Where the Patroni credentials come from: a Secret that exists, or a Vault path read through
 * the shared Vault/External Secrets construct. Every generation of the database uses the same
 * Secret, so a restored generation accepts the same application password and a cutover only
 * changes the host.
 */
export const patroniCredentials = z.union([
  z
    .object({
      existingSecret: z
        .object({
          name: objectName(253).meta({ description: "Name of the Secret, in the database's namespace.", examples: ['hcap-patroni-creds'] }),
        })
        .strict()
        .meta({ description: 'A Secret that exists in the namespace, holding the logins under `keys`.' }),
      keys: credentialKeys.prefault({}).meta({ description: "Keys of the credentials in the Secret. Default: hcap's key names." }),
    })
    .strict(),
  z
    .object({
      vault: vaultCredentials.meta({
        description: 'The logins from Vault: the path must return the keys at the top level of its data (a KV version 1 mount).',
      }),
      keys: credentialKeys.prefault({}).meta({ description: "Keys of the credentials in the Vault data. Default: hcap's key names." }),
    })
    .strict(),
]);
