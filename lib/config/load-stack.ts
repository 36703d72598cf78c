/**
 * The config boundary: the only code that reads stack files or previous state. Returns a frozen,
 * fully defaulted StackSpec, or throws one ConfigError listing every problem.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { STATE_FILE, type StackState } from '../model/stack-state';
import { ConfigError, ConfigIssue, joinPath } from './config-error';
import { resolveStack } from '../model/resolve';
import { databaseSchema, stackSchema } from './stack-schema';
import { deepFreeze, StackSpec } from './stack-spec';
import { fromZodIssues } from './zod-issues';

/** Pulumi's namespace for pgfleet's keys in `config:`. */
export const CONFIG_NAMESPACE = 'pgfleet';

export interface ParseStackOptions {
  /** Stack name, e.g. `indigo-prod`. */
  readonly stack: string;
  /** Shown in messages: a file path or `pulumi config`. */
  readonly source: string;
  /** @default - no transition checks */
  readonly previous?: StackState;
}

/** `stacks/Pulumi.indigo-prod.yaml` → `indigo-prod`. */
export function stackNameOf(file: string): string {
  const base = path.basename(file);
  const m = /^Pulumi\.(.+)\.ya?ml$/.exec(base);
  return m ? m[1] : base.replace(/\.ya?ml$/, '');
}

/** Stack files in a directory (`Pulumi.<stack>.yaml`), sorted by name. */
export function findStackFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^Pulumi\..+\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * Parses the `config:` mapping of a stack (`pgfleet:`-prefixed keys; other providers' keys are
 * left to Pulumi). Values may be JSON strings, as `pulumi.runtime.allConfig()` returns them.
 */
export function parseStackConfig(config: Record<string, unknown>, options: ParseStackOptions): StackSpec {
  const issues: ConfigIssue[] = [];
  const input: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(config)) {
    if (!key.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    let value = raw;
    if (typeof raw === 'string' && /^[[{]/.test(raw.trim())) {
      try {
        value = JSON.parse(raw);
      } catch {
        /* a plain string that starts with a bracket: leave it for the schema */
      }
    }
    if (value && typeof value === 'object' && 'secure' in (value as object)) {
      issues.push({ path: key, value: '(secure value)', allowed: 'plain configuration: pgfleet keeps no secret values in stack files', fix: 'reference an existing Secret (existingSecret) or Vault (vault) instead' });
      continue;
    }
    input[key.slice(CONFIG_NAMESPACE.length + 1)] = value;
  }
  const prefix = (segs: readonly (string | number)[]) =>
    segs.length === 0 ? `config` : joinPath([`${CONFIG_NAMESPACE}:${String(segs[0])}`, ...segs.slice(1)]);
  const parsed = stackSchema.safeParse(input, { jitless: true });
  if (!parsed.success) {
    issues.push(...fromZodIssues(parsed.error.issues, stackSchema, input, prefix));
    issues.push(...crossFieldIssuesOfValidDatabases(input, options));
  }
  if (issues.length || !parsed.success) throw new ConfigError(options.source, issues);
  const environment = parsed.data.environment ?? options.stack.split('-').pop()!;
  return deepFreeze({ ...parsed.data, environment, stack: options.stack, source: options.source, previous: options.previous });
}

/**
 * When some entries fail the schema, the rules that span fields (restore sources, serving, the
 * previous synth) still run over the database entries that parse, so one run reports as much as it
 * can. Issue paths are mapped back to the entries' positions in the file.
 */
function crossFieldIssuesOfValidDatabases(input: Record<string, unknown>, options: ParseStackOptions): ConfigIssue[] {
  const all = Array.isArray(input.databases) ? input.databases : [];
  const valid = all.map((db, i) => [db, i] as const).filter(([db]) => databaseSchema.safeParse(db, { jitless: true }).success);
  const stack = stackSchema.safeParse({ ...input, databases: valid.map(([db]) => db) }, { jitless: true });
  if (!stack.success || valid.length === 0) return [];
  const names = new Set(valid.map(([db]) => (db as { name: string }).name));
  const previous = options.previous && {
    ...options.previous,
    databases: Object.fromEntries(Object.entries(options.previous.databases).filter(([name]) => names.has(name))),
  };
  try {
    resolveStack(deepFreeze({ ...stack.data, environment: 'check', stack: options.stack, source: options.source, previous }));
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.issues.map((i) => ({ ...i, path: i.path.replace(/^pgfleet:databases\[(\d+)\]/, (_m, n: string) => `pgfleet:databases[${valid[Number(n)][1]}]`) }));
  }
}

/** Reads and parses one stack file; `previous` is what the last synth recorded, if anything. */
export function loadStackFile(file: string, previous?: StackState): StackSpec {
  const source = file;
  if (!fs.existsSync(file)) {
    throw new ConfigError(source, [{ path: '(file)', value: file, allowed: 'an existing stack file', fix: 'check the path, or list stacks/ for the stack names' }]);
  }
  const doc = parseDocument(fs.readFileSync(file, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => ({
        path: `(line ${e.linePos?.[0].line ?? '?'}, column ${e.linePos?.[0].col ?? '?'})`,
        value: e.code,
        allowed: 'valid YAML',
        fix: e.message.split('\n')[0],
      })),
    );
  }
  const root = doc.toJS() as unknown;
  const config = root && typeof root === 'object' ? (root as Record<string, unknown>).config : undefined;
  if (!config || typeof config !== 'object' || Array.isArray(config)) {
    throw new ConfigError(source, [{ path: 'config', value: config, allowed: 'a mapping of Pulumi config keys (pgfleet:namespace, pgfleet:databases, ...)', fix: 'put the pgfleet: keys under a top-level config: key, as in stacks/' }]);
  }
  const stack = stackNameOf(file);
  return parseStackConfig(config as Record<string, unknown>, { stack, source, previous });
}

/** The state the last synth wrote to `dir`, if any. */
export function readState(dir: string): StackState | undefined {
  const file = path.join(dir, STATE_FILE);
  return fs.existsSync(file) ? parseState(fs.readFileSync(file, 'utf8'), file) : undefined;
}

/** Parses a state file's text; a damaged one is a config problem, not a crash. */
export function parseState(text: string, source: string): StackState | undefined {
  let state: StackState;
  try {
    state = JSON.parse(text) as StackState;
  } catch (e) {
    throw new ConfigError(source, [
      {
        path: '(state file)',
        value: (e as Error).message,
        allowed: 'the JSON pgfleet synth writes',
        fix: `restore it from git (git checkout -- ${STATE_FILE}), or delete it to skip the checks against the previous synth once`,
      },
    ]);
  }
  return state.format === 1 ? state : undefined;
}
