/**
 * One problem in a stack file: where, what was found, what is allowed and how to fix it.
 *
 * Every check in pgfleet reports these instead of throwing on the first problem, so a user sees
 * all of them at once.
 */
export interface ConfigIssue {
  /** Config path, e.g. `pgfleet:databases[0].generations[1].restoreFrom.targetTime`. */
  readonly path: string;
  /** The value found there (`undefined` when missing). */
  readonly value: unknown;
  /** What is allowed, as a sentence fragment: "a time with an explicit UTC offset". */
  readonly allowed: string;
  /** What to change. */
  readonly fix: string;
}

/** Thrown by the config boundary with every problem found; the CLI prints it without a stack trace. */
export class ConfigError extends Error {
  /** One error for the problems of several stacks; each path names its stack when there are several. */
  public static merge(errors: readonly ConfigError[]): ConfigError {
    if (errors.length === 1) return errors[0];
    return new ConfigError(
      errors.map((e) => e.source).join(', '),
      errors.flatMap((e) => e.issues.map((i) => ({ ...i, path: `${e.source}: ${i.path}` }))),
    );
  }

  public readonly issues: readonly ConfigIssue[];
  public readonly source: string;

  constructor(source: string, issues: readonly ConfigIssue[]) {
    // Two checks may find the same problem (a block parsed for each generation that uses it): report it once.
    const unique = [...new Map(issues.map((i) => [JSON.stringify([i.path, i.value, i.allowed, i.fix]), i])).values()];
    super(formatIssues(source, unique));
    this.name = 'ConfigError';
    this.source = source;
    this.issues = unique;
  }
}

/** Renders a value for a message: strings quoted, objects as compact JSON, long values cut. */
export function showValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function formatIssues(source: string, issues: readonly ConfigIssue[]): string {
  const lines = [`${source}: ${issues.length} problem${issues.length === 1 ? '' : 's'}`];
  for (const i of issues) {
    lines.push(`  - ${i.path}: found ${showValue(i.value)}`);
    lines.push(`      allowed: ${i.allowed}`);
    lines.push(`      fix: ${i.fix}`);
  }
  return lines.join('\n');
}

/** Joins path segments the way users write them: `a.b[0].c`; Pulumi keys like `pgfleet:databases` stay whole. */
export function joinPath(segments: readonly (string | number)[]): string {
  return segments.reduce<string>((acc, seg) => {
    if (typeof seg === 'number') return `${acc}[${seg}]`;
    if (acc === '') return seg;
    return /^[A-Za-z_][\w-]*$/.test(seg) ? `${acc}.${seg}` : `${acc}[${JSON.stringify(seg)}]`;
  }, '');
}

/** `f` over every item; the ConfigErrors of all of them are thrown together once every item ran (other errors at once). */
export function eachReportingAll<T, R>(items: readonly T[], f: (item: T) => R): R[] {
  const out: R[] = [];
  const errors: ConfigError[] = [];
  for (const item of items) {
    try {
      out.push(f(item));
    } catch (e) {
      if (e instanceof ConfigError) errors.push(e);
      else throw e;
    }
  }
  if (errors.length) throw ConfigError.merge(errors);
  return out;
}
