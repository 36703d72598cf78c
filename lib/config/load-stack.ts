/**
 * The config boundary: the only code that reads stack files or previous state. Parsing returns a
 * frozen, fully defaulted StackSpec, or every problem found; the model resolves what parses.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError, type ConfigIssue, joinPath } from './config-error';
import { ownPath, parseOtherEngines, splitEntry } from './engine-migration';
import { withoutFields } from './without-fields';
import { type EngineSchema, stackSchemaOf } from './stack-schema';
import { deepFreeze, type StackSpec } from './stack-spec';
import { HIDDEN, secretLookingValues } from './secret-scan';
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
  /**
   * The database entries that parse, as a stack, with each entry's position in the file; entries
   * whose only problems are optional fields come without those fields.
   */
  readonly partial?: { readonly spec: StackSpec; readonly positions: readonly number[] };
}

/**
 * Stack names become folder names (`dist/<stack>/`), label values and the default environment:
 * lower-case letters, digits and "-", as Pulumi's own rules allow but narrower.
 */
export const STACK_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The problem with a stack name, if any. */
export function stackNameIssue(stack: string, where: string): ConfigIssue | undefined {
  if (STACK_NAME.test(stack) && stack.length <= 63) return undefined;
  return {
    path: where,
    value: stack,
    allowed:
      'a stack name of at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit (it names the output folder dist/<stack>/ and a label value)',
    fix: 'rename it, e.g. Pulumi.indigo-prod.yaml for system indigo, environment prod',
  };
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
  const nameIssue = stackNameIssue(options.stack, '(stack name)');
  if (nameIssue) return { source: options.source, engines: options.engines, issues: [nameIssue] };
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
    issues.push(...secretLookingValues(value, key));
    input[key.slice(CONFIG_NAMESPACE.length + 1)] = value;
  }
  const prefix = (segs: readonly (string | number)[]) =>
    segs.length === 0 ? `config` : joinPath([`${CONFIG_NAMESPACE}:${String(segs[0])}`, ...segs.slice(1)]);
  const { stack: schema, database } = stackSchemaOf(options.engines);
  // Generations on other engines (engine migration) are parsed with their engine's own schema.
  const raw = Array.isArray(input.databases) ? input.databases : [];
  const splits = raw.map((db, i) => splitEntry(db, options.engines, `${CONFIG_NAMESPACE}:databases[${i}]`));
  const others = splits.map((s, i) => parseOtherEngines(s, options.engines, `${CONFIG_NAMESPACE}:databases[${i}]`));
  const ownInput = Array.isArray(input.databases) ? { ...input, databases: splits.map((s) => s.own) } : input;
  issues.push(...splits.flatMap((s) => s.issues), ...others.flatMap((o) => o.issues));
  const withOthers = (data: { databases: Record<string, unknown>[] }, indices: readonly number[]) => ({
    ...data,
    databases: data.databases.map((d, k) => {
      const o = others[indices[k]]?.value;
      return o?.settings.length ? { ...d, otherEngines: o } : d;
    }),
  });
  const specOf = (data: unknown, previous: StackState | undefined, indices: readonly number[]): StackSpec => {
    const d = withOthers(data as { databases: Record<string, unknown>[] }, indices) as unknown as Omit<
      StackSpec,
      'stack' | 'source' | 'environment' | 'previous'
    > & { environment?: string };
    const environment = d.environment ?? options.stack.split('-').pop()!;
    return deepFreeze({ ...d, environment, stack: options.stack, source: options.source, previous });
  };
  const base = { source: options.source, engines: options.engines };
  const parsed = schema.safeParse(ownInput, { jitless: true });
  if (parsed.success && !issues.length)
    return {
      ...base,
      spec: specOf(
        parsed.data,
        options.previous,
        raw.map((_, i) => i),
      ),
      issues: [],
    };
  if (!parsed.success) {
    // Never echo a value the secret scan flagged, whatever else is wrong with it.
    const hidden = new Set(issues.filter((i) => i.value === HIDDEN).map((i) => i.path));
    const mapped = (segs: readonly (string | number)[]) =>
      segs[0] === 'databases' && typeof segs[1] === 'number'
        ? prefix(['databases', segs[1], ...ownPath(segs.slice(2), splits[segs[1]]?.ownPositions ?? [])])
        : prefix(segs);
    issues.push(
      ...fromZodIssues(parsed.error.issues, schema, ownInput, mapped).map((i) => (hidden.has(i.path) ? { ...i, value: HIDDEN } : i)),
    );
  }

  // The entries that parse, with the previous state of those databases only. An entry whose only
  // problems are optional fields still counts without them (a bad targetTime must not hide the
  // shrink in the same entry): its problems are reported above, the rules run over the rest.
  const all = Array.isArray(ownInput.databases) ? ownInput.databases : [];
  const valid = all.flatMap((db, i) => {
    if (splits[i].issues.length || others[i].issues.length) return [];
    const first = database.safeParse(db, { jitless: true });
    if (first.success) return [[db, i] as const];
    const pruned = withoutFields(db, first.error.issues);
    if (!pruned || !database.safeParse(pruned.value, { jitless: true }).success) return [];
    return [[pruned.value, i] as const];
  });
  const partialStack = schema.safeParse({ ...ownInput, databases: valid.map(([db]) => db) }, { jitless: true });
  if (!partialStack.success || valid.length === 0) return { ...base, issues };
  const names = new Set(valid.map(([db]) => (db as { name: string }).name));
  const previous = options.previous && {
    ...options.previous,
    databases: Object.fromEntries(Object.entries(options.previous.databases).filter(([name]) => names.has(name))),
  };
  const positions = valid.map(([, i]) => i);
  return { ...base, issues, partial: { spec: specOf(partialStack.data, previous, positions), positions } };
}

/** Stack files are a few kilobytes; a megabyte is a mistake (or an attack) and would take long to parse. */
export const MAX_INPUT_BYTES = 1024 * 1024;
/** Nesting deeper than any stack or state needs. */
const MAX_DEPTH = 64;

/** A file's text, or why it cannot be read: missing, a directory, too large, or not UTF-8. */
export function readText(file: string, what: string): string | ConfigIssue {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat)
    return { path: '(file)', value: file, allowed: `an existing ${what}`, fix: 'check the path, or list stacks/ for the stack names' };
  if (!stat.isFile())
    return {
      path: '(file)',
      value: file,
      allowed: `a ${what}, not a directory or device`,
      fix: `name the ${what} itself, e.g. stacks/Pulumi.indigo-prod.yaml`,
    };
  if (stat.size > MAX_INPUT_BYTES) {
    return {
      path: '(file)',
      value: `${stat.size} bytes`,
      allowed: `a ${what} of at most ${MAX_INPUT_BYTES} bytes`,
      fix: 'split the stack, or remove the large value (pgfleet stack files hold configuration, not data)',
    };
  }
  const bytes = fs.readFileSync(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const line = bytes.subarray(0, at).toString('latin1').split('\n').length;
    return {
      path: `(line ${line})`,
      value: `byte 0x${bytes[at].toString(16)} at offset ${at}`,
      allowed: 'UTF-8 text',
      fix: 'save the file as UTF-8 (it looks like Latin-1 or another legacy encoding)',
    };
  }
}

/** Offset of the first byte that does not start a complete UTF-8 sequence (for the message only). */
function firstInvalidUtf8(b: Buffer): number {
  for (let i = 0; i < b.length;) {
    const c = b[i];
    const len = c < 0x80 ? 1 : c >> 5 === 6 ? 2 : c >> 4 === 14 ? 3 : c >> 3 === 30 ? 4 : 0;
    if (len === 0 || i + len > b.length) return i;
    for (let k = 1; k < len; k++) if (b[i + k] >> 6 !== 2) return i;
    i += len;
  }
  return b.length - 1;
}

/** YAML text as plain data, or the problems: syntax errors, aliases that expand without bound, too deep nesting. */
export function parseYaml(text: string): { value: unknown } | { issues: ConfigIssue[] } {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.some((e) => e.code === 'RESOURCE_EXHAUSTION')) {
    return {
      issues: [
        {
          path: '(file)',
          value: 'nesting the YAML parser cannot follow',
          allowed: `at most ${MAX_DEPTH} levels of nested mappings and lists`,
          fix: 'flatten the document; no pgfleet setting is nested that deep',
        },
      ],
    };
  }
  if (doc.errors.length) {
    return {
      issues: doc.errors.map((e) => ({
        path: `(line ${e.linePos?.[0].line ?? '?'}, column ${e.linePos?.[0].col ?? '?'})`,
        value: e.code,
        allowed: 'valid YAML',
        fix: e.message.split('\n')[0],
      })),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    const message = (e as Error).message;
    return {
      issues: [
        {
          path: '(file)',
          value: message,
          allowed: 'YAML whose aliases (*name) expand to a reasonable size',
          fix: 'write the values out instead of nesting aliases of aliases',
        },
      ],
    };
  }
  if (depthOf(value) > MAX_DEPTH) {
    return {
      issues: [
        {
          path: '(file)',
          value: `nesting deeper than ${MAX_DEPTH} levels`,
          allowed: `at most ${MAX_DEPTH} levels of nested mappings and lists`,
          fix: 'flatten the document; no pgfleet setting is nested that deep',
        },
      ],
    };
  }
  return { value };
}

/** Deepest nesting of maps and lists (iterative: a deep document must not overflow the stack). */
function depthOf(root: unknown): number {
  let max = 0;
  const todo: [unknown, number][] = [[root, 0]];
  while (todo.length) {
    const [v, d] = todo.pop()!;
    if (d > max) max = d;
    if (d > MAX_DEPTH) break;
    if (v && typeof v === 'object') for (const x of Object.values(v)) todo.push([x, d + 1]);
  }
  return max;
}

/** Reads and parses one stack file; `previous` is what the last synth recorded, if anything. */
export function loadStackFile<E extends EngineSchema>(
  file: string,
  options: { readonly previous?: StackState; readonly engines: readonly E[] },
): ParsedStack<E> {
  const failed = (issues: ConfigIssue[]): ParsedStack<E> => ({ source: file, engines: options.engines, issues });
  const text = readText(file, 'stack file');
  if (typeof text !== 'string') return failed([text]);
  const yaml = parseYaml(text);
  if (!('value' in yaml)) return failed(yaml.issues);
  const root = yaml.value;
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
