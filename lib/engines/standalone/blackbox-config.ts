import { stringify } from 'yaml';

/** A value blackbox reads from an environment variable at run time (never written to the file). */
export class EnvRef {
  constructor(public readonly variable: string) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(variable)) throw new Error(`not an environment variable name: ${variable}`);
  }
}

type Value = string | number | EnvRef;

/**
 * blackbox's id of the database (`databases.postgres.<id>`): its dump files are
 * `<id>_blackbox_<DD_MM_YYYY>.sql.gz` (the default filename_format and date_format), and its
 * rotation deletes only files named so.
 */
export const blackboxDatabaseId = (database: string) => database.replace(/-/g, '_');

/** One blackbox `databases.postgres.<id>` entry. */
export interface BlackboxPostgres {
  readonly id: string;
  readonly username: Value;
  readonly password: Value;
  readonly host: string;
  readonly port: number;
}

/** One `storage.s3.<id>` entry (blackbox prepends https:// to the endpoint). */
export interface BlackboxS3 {
  readonly id: string;
  readonly bucket: string;
  readonly endpoint: string;
  readonly accessKeyId: Value;
  readonly secretAccessKey: Value;
}

/** One `notifiers.<type>.<id>` entry. */
export type BlackboxNotifier =
  | { readonly type: 'discord' | 'slack'; readonly id: string; readonly webhook: Value }
  | { readonly type: 'telegram'; readonly id: string; readonly token: Value; readonly chatId: string };

/** The part of blackbox's configuration pgfleet renders. */
export interface BlackboxConfig {
  readonly postgres: BlackboxPostgres;
  readonly storage: readonly BlackboxS3[];
  readonly notifiers: readonly BlackboxNotifier[];
  readonly retentionDays: number;
}

const SENTINEL = /"?__PGFLEET_ENV__([A-Z][A-Z0-9_]*)__"?/g;

/**
 * The Jinja macro every secret is written with, `{{ secret(VAR) }}`: the variable's value as a
 * YAML double-quoted scalar, whatever it holds. Python's `unicode_escape` writes `\\`, `\n`,
 * `\t`, `\xNN`, `\uNNNN` and `\UNNNNNNNN`, which are YAML escapes with the same meaning, and the
 * one character it leaves alone that a double-quoted scalar cannot hold, `"`, becomes `\"`.
 * (Jinja's `tojson` was not enough: it writes a character outside the BMP, an emoji, as a UTF-16
 * surrogate pair, which YAML reads as two lone surrogates; blackbox 3.0.2 then crashed passing
 * the password to pg_dumpall.)
 */
const SECRET_MACRO = `{% macro secret(value) %}"{{ value.encode('unicode_escape').decode().replace('"', '\\\\"') }}"{% endmacro %}`;

/**
 * `blackbox.yaml` text. blackbox renders the file with Jinja before parsing it, filling
 * `{{ VAR }}` from its environment (`get_yaml_config`, StrictUndefined: an unset variable fails
 * the run); each secret becomes `{{ secret(VAR) }}` (see SECRET_MACRO), its variable set from a
 * Secret in the CronJob, so the ConfigMap never holds a secret value.
 *
 * @see https://github.com/lemonsaurus/blackbox#configuration
 */
export function blackboxYaml(c: BlackboxConfig): string {
  const v = (x: Value) => (x instanceof EnvRef ? `__PGFLEET_ENV__${x.variable}__` : x);
  const notifiers: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const n of c.notifiers) {
    notifiers[n.type] ??= {};
    notifiers[n.type][n.id] = n.type === 'telegram' ? { token: v(n.token), chat_id: n.chatId } : { webhook: v(n.webhook) };
  }
  const doc = {
    databases: {
      postgres: {
        [c.postgres.id]: {
          username: v(c.postgres.username),
          password: v(c.postgres.password),
          host: c.postgres.host,
          port: String(c.postgres.port),
        },
      },
    },
    storage: {
      s3: Object.fromEntries(
        c.storage.map((s) => [
          s.id,
          { bucket: s.bucket, endpoint: s.endpoint, aws_access_key_id: v(s.accessKeyId), aws_secret_access_key: v(s.secretAccessKey) },
        ]),
      ),
    },
    ...(c.notifiers.length ? { notifiers } : {}),
    retention_days: c.retentionDays,
  };
  const text = stringify(doc, { lineWidth: 0 }).replace(SENTINEL, (_m, name: string) => `{{ secret(${name}) }}`);
  // No braces in the comments: blackbox renders the whole file with Jinja (StrictUndefined).
  const header = [
    '# Rendered by pgfleet. blackbox fills each secret from its environment (set from Secrets): no secret is in this file.',
    '# The macro secret(VAR) writes the variable as a YAML double-quoted string, whatever characters it holds.',
    SECRET_MACRO,
  ];
  return `${header.join('\n')}\n${text}`;
}
