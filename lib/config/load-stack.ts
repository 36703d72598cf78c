/**
 * The config boundary: the only code that reads stack files or previous state. Parsing returns a
 * frozen, fully defaulted StackSpec, or every problem found; the model resolves what parses.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError, type ConfigIssue, joinPath } from './config-error';
import { type EngineSchema, stackSchemaOf } from './stack-schema';
import { deepFreeze, type StackSpec } from './stack-spec';
import { parseStateJson } from './state-file';
import { type EngineStateSchema, STATE_FILE, type StackState } from './stack-state';
import { fromZodIssues } from './zod-issues';

/** Pulumi's namespace for pgfleet's keys in `config:`. */
export const CONFIG_NAMESPACE = 'pgfleet';

export interface ParseStackOptions<E extends EngineSchema> {
  /** Stack name, e.g. `indigo-prod`. */
  readonly stack: string;
  /** Shown in messages: a file path or `pulumi config`. */
  readonly source: string;
  /** @default - no transition checks */
  readonly previous?: StackState;
  /** The engines database entries may name (the registry, `lib/engines`). */
  readonly engines: readonly E[];
}

/**
 * A parsed stack, or what is wrong with it. When some database entries fail the schema, the
 * entries that parse still come as `partial`, so the model can check the rules that span fields
 * (restore sources, serving, the previous synth) and one run reports as much as it can.
 */
export interface ParsedStack<E extends EngineSchema = EngineSchema> {
  readonly source: string;
  readonly engines: readonly E[];
  /** The stack, when it has no problem the schema can see. */
  readonly spec?: StackSpec;
  readonly issues: readonly ConfigIssue[];
  /** The database entries that parse, as a stack, with each entry's position in the file. */
  readonly partial?: { readonly spec: StackSpec; readonly positions: readonly number[] };
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
export function parseStackConfig<E extends EngineSchema>(config: Record<string, unknown>, options: ParseStackOptions<E>): ParsedStack<E> {
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
      issues.push({
        path: key,
        value: '(secure value)',
        allowed: 'plain configuration: pgfleet keeps no secret values in stack files',
        fix: 'reference an existing Secret (existingSecret) or Vault (vault) instead',
      });
      continue;
    }
    input[key.slice(CONFIG_NAMESPACE.length + 1)] = value;
  }
  const prefix = (segs: readonly (string | number)[]) =>
    segs.length === 0 ? `config` : joinPath([`${CONFIG_NAMESPACE}:${String(segs[0])}`, ...segs.slice(1)]);
  const { stack: schema, database } = stackSchemaOf(options.engines);
  const specOf = (data: unknown, previous: StackState | undefined): StackSpec => {
    const d = data as Omit<StackSpec, 'stack' | 'source' | 'environment' | 'previous'> & { environment?: string };
    const environment = d.environment ?? options.stack.split('-').pop()!;
    return deepFreeze({ ...d, environment, stack: options.stack, source: options.source, previous });
  };
  const base = { source: options.source, engines: options.engines };
  const parsed = schema.safeParse(input, { jitless: true });
  if (parsed.success && !issues.length) return { ...base, spec: specOf(parsed.data, options.previous), issues: [] };
  if (!parsed.success) issues.push(...fromZodIssues(parsed.error.issues, schema, input, prefix));

  // The entries that parse, with the previous state of those databases only.
  const all = Array.isArray(input.databases) ? input.databases : [];
  const valid = all.map((db, i) => [db, i] as const).filter(([db]) => database.safeParse(db, { jitless: true }).success);
  const partialStack = schema.safeParse({ ...input, databases: valid.map(([db]) => db) }, { jitless: true });
  if (!partialStack.success || valid.length === 0) return { ...base, issues };
  const names = new Set(valid.map(([db]) => (db as { name: string }).name));
  const previous = options.previous && {
    ...options.previous,
    databases: Object.fromEntries(Object.entries(options.previous.databases).filter(([name]) => names.has(name))),
  };
  return { ...base, issues, partial: { spec: specOf(partialStack.data, previous), positions: valid.map(([, i]) => i) } };
}

/** Reads and parses one stack file; `previous` is what the last synth recorded, if anything. */
export function loadStackFile<E extends EngineSchema>(
  file: string,
  options: { readonly previous?: StackState; readonly engines: readonly E[] },
): ParsedStack<E> {
  const failed = (issues: ConfigIssue[]): ParsedStack<E> => ({ source: file, engines: options.engines, issues });
  if (!fs.existsSync(file)) {
    return failed([
      { path: '(file)', value: file, allowed: 'an existing stack file', fix: 'check the path, or list stacks/ for the stack names' },
    ]);
  }
  const doc = parseDocument(fs.readFileSync(file, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    return failed(
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
    return failed([
      {
        path: 'config',
        value: config,
        allowed: 'a mapping of Pulumi config keys (pgfleet:namespace, pgfleet:databases, ...)',
        fix: 'put the pgfleet: keys under a top-level config: key, as in stacks/',
      },
    ]);
  }
  return parseStackConfig(config as Record<string, unknown>, {
    stack: stackNameOf(file),
    source: file,
    previous: options.previous,
    engines: options.engines,
  });
}

/**
 * The stack files a run covers: the given files, else the named stacks of `stacksDir`, else all
 * of them; none at all is an error (a CI job in the wrong directory must not pass).
 */
export function selectStackFiles(o: {
  readonly stacks?: readonly string[];
  readonly files?: readonly string[];
  readonly stacksDir: string;
}): string[] {
  if (o.files?.length) return [...o.files];
  const all = findStackFiles(o.stacksDir);
  if (!all.length) {
    throw new ConfigError(`no stack files (Pulumi.<stack>.yaml) in ${path.resolve(o.stacksDir)}`, [
      {
        path: '(directory)',
        value: o.stacksDir,
        allowed: 'a directory holding Pulumi.<stack>.yaml files',
        fix: 'run pgfleet from the project root, or pass --stacks-dir DIR or --file PATH',
      },
    ]);
  }
  if (!o.stacks?.length) return all;
  return o.stacks.map((s) => all.find((f) => stackNameOf(f) === s) ?? path.join(o.stacksDir, `Pulumi.${s}.yaml`));
}

/**
 * The state the last synth wrote to `dir`; undefined only when there is no state file (no
 * previous synth). A file that is there but does not parse is a ConfigError.
 */
export function readState(dir: string, engines: readonly EngineStateSchema[]): StackState | undefined {
  const file = path.join(dir, STATE_FILE);
  if (!fs.existsSync(file)) return undefined;
  // As the user would type it: relative inside the working directory, else absolute.
  const relative = path.relative(process.cwd(), file);
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : path.resolve(file);
  return parseState(fs.readFileSync(file, 'utf8'), shown, engines);
}

/**
 * Parses a state file's text (format 2, or format 1 converted). Anything that does not parse is
 * a ConfigError naming `source`, the JSON path, the value and what is allowed; the fix is to
 * restore `checkoutPath` from git, or to delete it on purpose.
 */
export function parseState(text: string, source: string, engines: readonly EngineStateSchema[], checkoutPath: string = source): StackState {
  const fix = `restore it from git (git checkout -- ${checkoutPath}), or delete it deliberately to skip the checks against the previous synth once`;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(source, [{ path: '(state file)', value: (e as Error).message, allowed: 'the JSON pgfleet synth writes', fix }]);
  }
  const { state, issues } = parseStateJson(data, engines);
  if (!state)
    throw new ConfigError(
      source,
      issues.map((i) => ({ ...i, fix })),
    );
  return state;
}
