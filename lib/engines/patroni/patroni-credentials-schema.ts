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
    /** @default superuser-username */
    superuserUsername: secretKey.default('superuser-username'),
    /** @default superuser-password */
    superuserPassword: secretKey.default('superuser-password'),
    /** @default replication-username */
    replicationUsername: secretKey.default('replication-username'),
    /** @default replication-password */
    replicationPassword: secretKey.default('replication-password'),
    /** The application user the image's post_init creates (APP_USER). @default db-username */
    appUsername: secretKey.default('db-username'),
    /** @default db-password */
    appPassword: secretKey.default('db-password'),
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
      existingSecret: z.object({ name: objectName(253) }).strict(),
      /** @default - hcap's key names */
      keys: credentialKeys.prefault({}),
    })
    .strict(),
  z
    .object({
      /** The Vault path must return the keys at the top level of its data (a KV version 1 mount). */
      vault: vaultCredentials,
      /** @default - hcap's key names */
      keys: credentialKeys.prefault({}),
    })
    .strict(),
]);
