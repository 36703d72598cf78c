import { createHash } from 'node:crypto';

/** Defaults pgfleet needs and the user may override: with a custom config_file, PostgreSQL listens on localhost only. */
const REQUIRED_DEFAULTS: Record<string, string> = { listen_addresses: '*' };

/**
 * `postgresql.conf` from the stack's parameters, sorted by name so the same stack renders the
 * same file. Every value is single-quoted (PostgreSQL accepts quoted numbers and booleans).
 *
 * @see https://www.postgresql.org/docs/current/config-setting.html#CONFIG-SETTING-CONFIGURATION-FILE
 */
export function postgresConf(parameters: Readonly<Record<string, string | number | boolean>>): string {
  const all: Record<string, string> = { ...REQUIRED_DEFAULTS };
  for (const [k, v] of Object.entries(parameters)) all[k] = typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v);
  const lines = Object.keys(all)
    .sort()
    .map((k) => `${k} = '${all[k].replace(/\\/g, '\\\\').replace(/'/g, "''")}'`);
  return `# Rendered by pgfleet from the stack's parameters.\n${lines.join('\n')}\n`;
}

/** A short digest of the file, put on the pod template so a change restarts the server. */
export function confDigest(conf: string): string {
  return createHash('sha256').update(conf).digest('hex').slice(0, 16);
}
