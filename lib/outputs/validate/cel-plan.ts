/**
 * The `x-kubernetes-validations` (CEL) rules of a CRD schema, pruned to what evaluating them
 * needs: the rules, the paths that lead to them, and below a rule the types the API server gives
 * `self` (integers are CEL ints, `format: duration` strings are durations, `date-time` strings
 * timestamps). Extracted at build time into `build/validators/*.cel.json` (plain JSON: CEL
 * programs are parsed when a kind is first validated), or at run time from CRDs given with
 * `--crds`.
 *
 * @see https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation-rules
 */
import { isPlainObject } from './manifest-problems';

/** One rule as the CRD states it. */
export interface CelRule {
  readonly rule: string;
  /** @default - "failed rule: <rule>" */
  readonly message?: string;
  /** A CEL expression giving the message. @default - `message` */
  readonly messageExpression?: string;
  /** Where below the node the problem is reported, e.g. `.serverName`. @default - the node */
  readonly fieldPath?: string;
  /** A transition rule that also runs without an old value (`oldSelf` is then an empty optional). @default false */
  readonly optionalOldSelf?: boolean;
  /** Whether the rule reads `oldSelf`: a transition rule, evaluated on update only. */
  readonly transition: boolean;
}

/** How a JSON value becomes a CEL value. */
export type CelType = 'int' | 'double' | 'duration' | 'timestamp' | 'int-or-string';

/** A schema node on the way to rules, or below one. Keys are short: the plans are shipped as JSON. */
export interface CelNode {
  /** Rules at this node. */
  readonly rules?: readonly CelRule[];
  /** Conversion of a value at this node (below a rule only). */
  readonly type?: CelType;
  readonly properties?: Readonly<Record<string, CelNode>>;
  /** Array items. */
  readonly items?: CelNode;
  /** Values of a map (`additionalProperties`). */
  readonly values?: CelNode;
  /** `x-kubernetes-list-map-keys` of a `map` list: how items of the old object are matched for `oldSelf`. */
  readonly mapKeys?: readonly string[];
}

/** The CEL plan of one kind, as written to `<kind>.cel.json`. */
export interface CelPlan {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly root: CelNode;
}

/**
 * `oldSelf` as an identifier outside string literals (CEL quotes with ', ", ''' and """, with
 * optional r/b prefixes); the same scan renames `matches` calls (see `rewriteRule`).
 */
function scanIdentifiers(rule: string, onIdentifier: (name: string, start: number, end: number) => void): void {
  let i = 0;
  while (i < rule.length) {
    const c = rule[i];
    if (c === '"' || c === "'") {
      const triple = rule.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      const raw = i > 0 && /[rR]/.test(rule[i - 1]);
      i += quote.length;
      while (i < rule.length && !rule.startsWith(quote, i)) i += !raw && rule[i] === '\\' ? 2 : 1;
      i += quote.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < rule.length && /[A-Za-z0-9_]/.test(rule[i])) i++;
      onIdentifier(rule.slice(start, i), start, i);
    } else i++;
  }
}

/** Whether a rule reads `oldSelf`. */
export function isTransitionRule(rule: string): boolean {
  let found = false;
  scanIdentifiers(rule, (name) => (found ||= name === 'oldSelf'));
  return found;
}

/**
 * The rule as the evaluator must read it to mean what the API server reads:
 * - `matches` calls renamed to `re2Matches`: Kubernetes evaluates `matches` with RE2 (Go syntax
 *   such as `(?i:…)`), which the evaluator's built-in JavaScript `matches` rejects;
 * - `duration("0")` as `duration("0s")`: Go's time.ParseDuration, which Kubernetes uses, takes a
 *   bare 0; the evaluator's parser does not.
 */
export function rewriteRule(rule: string): string {
  const cuts: [number, number, string][] = [];
  scanIdentifiers(rule, (name, start, end) => {
    const rest = rule.slice(end);
    if (name === 'matches' && /^\s*\(/.test(rest)) cuts.push([start, end, 're2Matches']);
    const zero = name === 'duration' ? /^\s*\(\s*(["'])[+-]?0\1\s*\)/.exec(rest) : null;
    if (zero) cuts.push([start, end + zero[0].length, 'duration("0s")']);
  });
  let out = rule;
  for (const [start, end, text] of cuts.reverse()) out = `${out.slice(0, start)}${text}${out.slice(end)}`;
  return out;
}

/** A `format: duration` value as the evaluator's duration() parses it (see {@link rewriteRule}). */
export const goDuration = (v: string) => (/^[+-]?0$/.test(v) ? '0s' : v);

function typeOf(s: Record<string, any>): CelType | undefined {
  if (s['x-kubernetes-int-or-string'] === true) return 'int-or-string';
  if (s.type === 'integer') return 'int';
  if (s.type === 'number') return 'double';
  if (s.type === 'string' && s.format === 'duration') return 'duration';
  if (s.type === 'string' && s.format === 'date-time') return 'timestamp';
  return undefined;
}

function rulesOf(s: Record<string, any>): CelRule[] | undefined {
  const raw = s['x-kubernetes-validations'];
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  return raw
    .filter((r): r is Record<string, any> => isPlainObject(r) && typeof r.rule === 'string')
    .map((r) => ({
      rule: r.rule,
      ...(typeof r.message === 'string' && r.message ? { message: r.message } : {}),
      ...(typeof r.messageExpression === 'string' && r.messageExpression ? { messageExpression: r.messageExpression } : {}),
      ...(typeof r.fieldPath === 'string' && r.fieldPath ? { fieldPath: r.fieldPath } : {}),
      ...(r.optionalOldSelf === true ? { optionalOldSelf: true } : {}),
      transition: isTransitionRule(r.rule),
    }));
}

/** The node of a schema, or undefined when nothing below it has rules (and it is not below a rule). */
function planNode(schema: unknown, belowRule: boolean, depth: number): CelNode | undefined {
  if (!isPlainObject(schema) || depth > 64) return undefined;
  const rules = rulesOf(schema);
  const inside = belowRule || rules !== undefined;
  const node: { -readonly [K in keyof CelNode]: CelNode[K] } = {};
  if (rules) node.rules = rules;
  if (inside) {
    const t = typeOf(schema);
    if (t) node.type = t;
  }
  if (isPlainObject(schema.properties)) {
    const props: Record<string, CelNode> = {};
    for (const [k, v] of Object.entries(schema.properties)) {
      const child = planNode(v, inside, depth + 1);
      if (child) props[k] = child;
    }
    if (Object.keys(props).length) node.properties = props;
  }
  const items = planNode(schema.items, inside, depth + 1);
  if (items) {
    node.items = items;
    const keys = schema['x-kubernetes-list-map-keys'];
    if (schema['x-kubernetes-list-type'] === 'map' && Array.isArray(keys)) node.mapKeys = keys.map(String);
  }
  const values = planNode(schema.additionalProperties, inside, depth + 1);
  if (values) node.values = values;
  return Object.keys(node).length ? node : undefined;
}

/** The CEL plan of a kind's `openAPIV3Schema`, or undefined when it has no rules. */
export function celPlanOf(group: string, version: string, kind: string, schema: unknown): CelPlan | undefined {
  const root = planNode(schema, false, 0);
  return root ? { group, version, kind, root } : undefined;
}

/** Every rule of a plan (for build-time checks). */
export function rulesOfPlan(node: CelNode, out: CelRule[] = []): CelRule[] {
  out.push(...(node.rules ?? []));
  for (const child of Object.values(node.properties ?? {})) rulesOfPlan(child, out);
  if (node.items) rulesOfPlan(node.items, out);
  if (node.values) rulesOfPlan(node.values, out);
  return out;
}
