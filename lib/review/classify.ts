/**
 * Matches the changes of one object against the change rules (lib/engines/change-rule.ts) and
 * gives each change its classes, reasons and runbook steps, their texts built from the change's
 * variables.
 */
import {
  CHANGE_CLASSES,
  type ChangeClass,
  type ChangeContext,
  type ChangeRule,
  type PlanSection,
  type RuleVars,
} from '../engines/change-rule';
import { fieldDiff, type FieldChange } from './field-diff';
import { formatPath, matchPrefix, valueAt, type PathSegment } from './field-path';
import type { ReviewedObject } from './reviewed-object';

/** One changed field as shown: path and old → new (undefined when absent). */
export interface FieldLine {
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface Reason {
  readonly class: ChangeClass;
  readonly why: string;
}

/** One runbook step of a matched rule, in its section of the plan. */
export interface PlanStep {
  readonly section: PlanSection;
  readonly text: string;
}

/** The variables of an object's changes, but for the values at each rule's path (`before`, `after`). */
export type ObjectVars = Omit<RuleVars, 'before' | 'after'>;

/** One change to an object: a field (or group of fields under the matched rule's path), or the object itself. */
export interface Change {
  /** Path the rule matched (`''`: the object itself is added or removed). */
  readonly path: string;
  readonly op: 'added' | 'removed' | 'changed';
  readonly fields: readonly FieldLine[];
  /** Most severe first. */
  readonly reasons: readonly Reason[];
  /** The most severe class. */
  readonly class: ChangeClass;
  readonly steps: readonly PlanStep[];
  /** False when no rule matched and the class is pgfleet's conservative default. */
  readonly ruled: boolean;
  /** The downtime this change starts lasts until a follow-up change (ChangeRule.outageContinues). */
  readonly outageContinues?: boolean;
}

export interface ClassifyInput {
  readonly before?: ReviewedObject;
  readonly after?: ReviewedObject;
  readonly context: ChangeContext;
  /** The engine's rules; the generic rules are tried after them. */
  readonly rules: readonly ChangeRule[];
  readonly generic: readonly ChangeRule[];
  /** What the rule texts are built from. */
  readonly vars: ObjectVars;
}

export const severity = (c: ChangeClass): number => CHANGE_CLASSES.indexOf(c);

/** A value as a review shows it: scalars bare, maps and lists as compact JSON, long ones cut. */
export function showValue(v: unknown): string {
  if (v === undefined) return '(absent)';
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

const opOf = (before: unknown, after: unknown): Change['op'] =>
  before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';

interface Match {
  readonly prefix: readonly PathSegment[];
  readonly rule: ChangeRule;
}

function kindMatches(rule: ChangeRule, apiKind: string): boolean {
  return rule.kind === '*' || rule.kind === apiKind;
}

/** The most specific rule (longest path, then first listed) whose `on` and `when` hold for `path`. */
function bestMatch(rules: readonly ChangeRule[], input: ClassifyInput, path: readonly PathSegment[]): Match | undefined {
  const apiKind = (input.after ?? input.before)!.apiKind;
  const candidates = rules
    .filter((r) => kindMatches(r, apiKind) && (r.dataBearing === undefined || r.dataBearing === input.context.dataBearing))
    .map((r) => ({ r, k: matchPrefix(r.path, path) }))
    .filter((x): x is { r: ChangeRule; k: number } => x.k !== undefined);
  const lengths = [...new Set(candidates.map((c) => c.k))].sort((a, b) => b - a);
  for (const k of lengths) {
    const prefix = path.slice(0, k);
    const before = valueAt(input.before?.manifest, prefix);
    const after = valueAt(input.after?.manifest, prefix);
    const op = opOf(before, after);
    const hit = candidates.find(
      (c) => c.k === k && ((c.r.on ?? 'any') === 'any' || c.r.on === op) && (!c.r.when || c.r.when(before, after, input.context)),
    );
    if (hit) return { prefix, rule: hit.r };
  }
  return undefined;
}

function changeFrom(match: Match, fields: FieldLine[], input: ClassifyInput): Change {
  const before = valueAt(input.before?.manifest, match.prefix);
  const after = valueAt(input.after?.manifest, match.prefix);
  const vars: RuleVars = { ...input.vars, before: showValue(before), after: showValue(after) };
  const r = match.rule;
  const reasons = [{ class: r.class, why: r.why }, ...(r.plus ?? [])]
    .map((x) => ({ class: x.class, why: x.why(vars) }))
    .sort((a, b) => severity(b.class) - severity(a.class));
  return {
    path: formatPath(match.prefix),
    op: opOf(before, after),
    fields,
    reasons,
    class: reasons[0].class,
    steps: (r.steps ?? []).flatMap((s) => ([] as string[]).concat(s.text(vars)).map((text) => ({ section: s.section, text }))),
    ruled: true,
    ...(r.outageContinues ? { outageContinues: true } : {}),
  };
}

/** The conservative default for a field no rule covers. */
function unruled(field: FieldChange, input: ClassifyInput): Change {
  const reason: Reason = input.context.dataBearing
    ? { class: 'restart', why: 'no rule for this field of an object holding data: review by hand (assumed to restart the database)' }
    : { class: 'safe', why: 'updated in place; the object holds no data' };
  return {
    path: formatPath(field.path),
    op: opOf(field.before, field.after),
    fields: [{ path: formatPath(field.path), before: field.before, after: field.after }],
    reasons: [reason],
    class: reason.class,
    steps: [],
    ruled: false,
  };
}

/** Every change of one object: the object itself when added or removed, else one per matched rule path. */
export function classifyObject(input: ClassifyInput): Change[] {
  const ruleSets = [input.rules, input.generic];
  const match = (path: readonly PathSegment[]) => {
    for (const rules of ruleSets) {
      const m = bestMatch(rules, input, path);
      if (m) return m;
    }
    return undefined;
  };
  if (!input.before || !input.after) {
    const m = match([]);
    if (!m)
      return [unruled({ path: [], before: input.before?.manifest, after: input.after?.manifest }, input)].map((c) => ({
        ...c,
        fields: [],
      }));
    return [changeFrom(m, [], input)];
  }
  const groups = new Map<string, { match: Match; fields: FieldLine[] }>();
  const out: Change[] = [];
  for (const f of fieldDiff(input.before.manifest, input.after.manifest)) {
    const m = match(f.path);
    if (!m) {
      out.push(unruled(f, input));
      continue;
    }
    const key = `${formatPath(m.prefix)}\u0000${ruleId(m.rule)}`;
    const line = { path: formatPath(f.path), before: f.before, after: f.after };
    const g = groups.get(key);
    if (g) g.fields.push(line);
    else groups.set(key, { match: m, fields: [line] });
  }
  for (const g of groups.values()) out.push(changeFrom(g.match, g.fields, input));
  return mergeSafeDefaults(out).sort((a, b) => severity(b.class) - severity(a.class) || a.path.localeCompare(b.path));
}

/** Unruled fields of an object that holds no data read as one change: "updated in place". */
function mergeSafeDefaults(changes: Change[]): Change[] {
  const plain = changes.filter((c) => !c.ruled && c.class === 'safe');
  if (plain.length < 2) return changes;
  const fields = plain.flatMap((c) => c.fields);
  return [...changes.filter((c) => !plain.includes(c)), { ...plain[0], path: commonPrefix(fields.map((f) => f.path)), fields }];
}

/** The longest common path prefix, at segment boundaries. */
function commonPrefix(paths: readonly string[]): string {
  let prefix = paths[0];
  for (const p of paths.slice(1)) {
    while (prefix && !(p === prefix || p.startsWith(`${prefix}.`) || p.startsWith(`${prefix}[`))) {
      const cut = Math.max(prefix.lastIndexOf('.'), prefix.lastIndexOf('['));
      prefix = cut > 0 ? prefix.slice(0, cut) : '';
    }
  }
  return prefix;
}

const ids = new WeakMap<ChangeRule, number>();
let nextId = 0;
/** A stable identity per rule object, to group the fields one set of rules matched. */
function ruleId(r: ChangeRule): number {
  if (!ids.has(r)) ids.set(r, ++nextId);
  return ids.get(r)!;
}
