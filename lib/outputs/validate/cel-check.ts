/**
 * Evaluates a kind's `x-kubernetes-validations` rules (its CEL plan) on manifests, as the API
 * server does at admission:
 *
 * - a rule runs where its schema node has a value, with `self` that value in CEL types (integers
 *   as ints, `format: duration` and `date-time` strings as durations and timestamps);
 * - a transition rule (one that reads `oldSelf`) runs only on an update: when there is a previous
 *   object and a value at the same place in it (object fields by name, map values by key, items
 *   of `x-kubernetes-list-type: map` lists by their keys; other list items cannot be matched);
 *   with `optionalOldSelf` it also runs without one, `oldSelf` being an empty optional;
 * - `matches()` uses RE2, Kubernetes' regex engine;
 * - the message is the rule's `messageExpression`, else its `message`, else "failed rule: <rule>".
 *
 * Not modelled: CRD validation ratcheting (an unchanged invalid value is admitted by servers
 * that enable it; here it is reported, which is stricter) and the cost budget.
 *
 * The evaluator (`@marcbachmann/cel-js`) is loaded on first use and each rule is parsed once.
 */
import type { Environment, Optional as CelOptional } from '@marcbachmann/cel-js';
import { isPlainObject } from './manifest-problems';
import { regExp } from './validator-runtime';
import { type CelNode, type CelPlan, type CelRule, goDuration, rewriteRule } from './cel-plan';

/** One failed rule: where (segments from the object root) and the message. */
export interface CelFailure {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

type Program = (context: Record<string, unknown>) => unknown;

interface Cel {
  readonly env: Environment;
  readonly none: CelOptional;
  readonly some: (v: unknown) => CelOptional;
  readonly duration: Program;
  readonly timestamp: Program;
}

let cel: Cel | undefined;

/** The CEL environment of the API server's rules, built on first use. */
function celEnvironment(): Cel {
  if (cel) return cel;
  const lib = require('@marcbachmann/cel-js') as typeof import('@marcbachmann/cel-js');
  const re2 = (s: string, pattern: string) => regExp(pattern, '').test(s);
  const env = new lib.Environment({ unlistedVariablesAreDyn: true, enableOptionalTypes: true, homogeneousAggregateLiterals: false })
    .registerFunction('string.re2Matches(string): bool', re2)
    .registerFunction('re2Matches(string, string): bool', re2);
  cel = {
    env,
    none: lib.Optional.none(),
    some: (v) => lib.Optional.of(v),
    duration: env.parse('duration(s)'),
    timestamp: env.parse('timestamp(s)'),
  };
  return cel;
}

const programs = new Map<string, Program | Error>();

/** A rule's program, parsed once per process; a rule the evaluator cannot parse is an Error. */
function programOf(source: string): Program | Error {
  let p = programs.get(source);
  if (!p) {
    try {
      p = celEnvironment().env.parse(rewriteRule(source));
    } catch (e) {
      p = e as Error;
    }
    programs.set(source, p);
  }
  return p;
}

/** Parses every rule of a plan; the rules the evaluator cannot read, with why (a build-time check). */
export function unreadableRules(rules: readonly CelRule[]): { rule: string; error: string }[] {
  return rules.flatMap((r) =>
    [r.rule, r.messageExpression].flatMap((source) => {
      const p = source === undefined ? undefined : programOf(source);
      return p instanceof Error ? [{ rule: source!, error: firstLine(p) }] : [];
    }),
  );
}

const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0];

/** A JSON value in the types the API server gives it, following the plan below a rule. */
function toCel(value: unknown, node: CelNode | undefined): unknown {
  if (value === null || value === undefined) return value;
  switch (node?.type) {
    case 'int':
    case 'int-or-string':
      return typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : value;
    case 'duration':
    case 'timestamp':
      if (typeof value !== 'string') return value;
      try {
        return celEnvironment()[node.type]({ s: node.type === 'duration' ? goDuration(value) : value });
      } catch {
        return value; // not one: the schema check reports the format
      }
    default:
  }
  // Array.from, not map: the copy is an array of this realm even when the input comes from another (jest's vm contexts).
  if (Array.isArray(value)) return Array.from(value, (v) => toCel(v, node?.items));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toCel(v, node?.properties?.[k] ?? node?.values);
    return out;
  }
  return value;
}

/** The value at the same place in the previous object, resolved only when a transition rule needs it. */
type Old = () => unknown;

const at = (parent: Old, key: string): Old => {
  let v: unknown;
  let done = false;
  return () => {
    if (!done) {
      const p = parent();
      v = isPlainObject(p) ? p[key] : undefined;
      done = true;
    }
    return v;
  };
};

/** The item of the previous list with the same map keys, or nothing for lists that cannot be matched. */
const itemLike = (parent: Old, item: unknown, keys: readonly string[] | undefined): Old => {
  if (!keys?.length || !isPlainObject(item)) return () => undefined;
  return () => {
    const list = parent();
    if (!Array.isArray(list)) return undefined;
    return list.find((o) => isPlainObject(o) && keys.every((k) => JSON.stringify(o[k]) === JSON.stringify(item[k])));
  };
};

/** `.serverName` or `.spec['a.b']` below a node, as path segments. */
function fieldPathSegments(fieldPath: string): string[] {
  const out: string[] = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[['"]([^'"]*)['"]\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(fieldPath))) out.push(m[1] ?? m[2]);
  return out;
}

function evaluate(rule: CelRule, self: unknown, old: Old, path: readonly (string | number)[], out: CelFailure[]): void {
  const c = celEnvironment();
  let oldSelf: unknown;
  if (rule.transition) {
    const o = old();
    if (o === undefined || o === null) {
      if (!rule.optionalOldSelf) return;
      oldSelf = c.none;
    } else {
      oldSelf = rule.optionalOldSelf ? c.some(o) : o;
    }
  }
  const context = { self, ...(rule.transition ? { oldSelf } : {}) };
  const where = rule.fieldPath ? [...path, ...fieldPathSegments(rule.fieldPath)] : path;
  const program = programOf(rule.rule);
  if (program instanceof Error) {
    out.push({ path: where, message: `cannot evaluate the rule ${JSON.stringify(rule.rule)}: ${firstLine(program)}` });
    return;
  }
  let result: unknown;
  try {
    result = program(context);
  } catch (e) {
    out.push({ path: where, message: `${firstLine(e)} evaluating rule: ${rule.rule}` });
    return;
  }
  if (result === true) return;
  let message = rule.message ?? `failed rule: ${rule.rule}`;
  if (rule.messageExpression) {
    const m = programOf(rule.messageExpression);
    try {
      const text = m instanceof Error ? undefined : m(context);
      if (typeof text === 'string' && text.trim()) message = text;
    } catch {
      // the API server falls back to message as well
    }
  }
  out.push({ path: where, message });
}

function walk(node: CelNode, value: unknown, old: Old, path: (string | number)[], out: CelFailure[]): void {
  if (value === undefined || value === null) return;
  if (node.rules) {
    const self = toCel(value, node);
    const oldCel: Old = () => toCel(old(), node);
    for (const rule of node.rules) evaluate(rule, self, oldCel, path, out);
  }
  if (node.properties && isPlainObject(value)) {
    for (const [k, child] of Object.entries(node.properties)) {
      if (k in value) walk(child, value[k], at(old, k), [...path, k], out);
    }
  }
  if (node.items && Array.isArray(value)) {
    value.forEach((item, i) => walk(node.items!, item, itemLike(old, item, node.mapKeys), [...path, i], out));
  }
  if (node.values && isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) walk(node.values, v, at(old, k), [...path, k], out);
  }
}

/**
 * The failed rules of one object. `previous` gives the object it replaces (same kind, namespace
 * and name), or undefined for a new object; it is called only when a transition rule needs it.
 */
export function celFailures(plan: CelPlan, obj: unknown, previous: () => unknown = () => undefined): CelFailure[] {
  const out: CelFailure[] = [];
  let prev: unknown;
  let done = false;
  const old: Old = () => {
    if (!done) {
      prev = previous();
      done = true;
    }
    return prev;
  };
  walk(plan.root, obj, old, [], out);
  return out;
}
