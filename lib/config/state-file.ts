/**
 * Reading `pgfleet-state.json`: JSON, then the schema of its format (2, or 1 converted to 2),
 * then each generation's engine facts against its engine's schema. A file that does not parse is
 * a list of problems with their JSON paths, never "no previous state": that would switch every
 * transition check off.
 */
import { type ConfigIssue, joinPath } from './config-error';
import { fromFormat1, stackStateSchema1, type StackState1 } from './state-format-1';
import { engineOfState, type EngineStateSchema, STATE_FORMAT, type StackState, stackStateSchema } from './stack-state';
import { fromZodIssues, valueAt } from './zod-issues';

/** What parsing a state file's text gave: the state, or every problem (`fix` left empty for the caller). */
export interface ParsedState {
  readonly state?: StackState;
  readonly issues: readonly ConfigIssue[];
}

type Segment = string | number;

const pathOf = (segs: readonly Segment[]) => (segs.length ? joinPath(segs) : '(top level)');

const noFix = (issues: readonly ConfigIssue[]): ConfigIssue[] => issues.map((i) => ({ ...i, fix: '' }));

/**
 * Checks each generation's `engineFacts` against its engine's `factsSchema` and returns the state
 * with the parsed facts. In a converted format-1 state, `shownAt` reports them where format 1 had
 * them (`extra`), with the value found there.
 */
function checkFacts(
  state: StackState,
  engines: readonly EngineStateSchema[],
  issues: ConfigIssue[],
  shownAt?: { readonly key: string; readonly raw: unknown },
): StackState {
  const databases: Record<string, StackState['databases'][string]> = {};
  for (const [dbName, db] of Object.entries(state.databases)) {
    const generations: Record<string, StackState['databases'][string]['generations'][string]> = {};
    for (const [genName, g] of Object.entries(db.generations)) {
      // A generation that moved to another engine records that engine's facts.
      const engine = engines.find((e) => e.name === engineOfState(db, g))!;
      generations[genName] = g;
      if (g.engineFacts === undefined) continue;
      const at: Segment[] = ['databases', dbName, 'generations', genName, shownAt?.key ?? 'engineFacts'];
      if (!engine.factsSchema) {
        issues.push({ path: pathOf(at), value: g.engineFacts, allowed: `no engine facts: ${engine.name} records none`, fix: '' });
        continue;
      }
      const parsed = engine.factsSchema.safeParse(g.engineFacts, { jitless: true });
      if (parsed.success) {
        generations[genName] = { ...g, engineFacts: parsed.data };
      } else if (shownAt) {
        issues.push({
          path: pathOf(at),
          value: valueAt(shownAt.raw, at),
          allowed: `the facts format 1 recorded for ${engine.name}`,
          fix: '',
        });
      } else {
        issues.push(...noFix(fromZodIssues(parsed.error.issues, engine.factsSchema, g.engineFacts, (p) => pathOf([...at, ...p]))));
      }
    }
    databases[dbName] = { ...db, generations };
  }
  return { ...state, databases };
}

/** Parses the JSON of a state file (any format pgfleet wrote); problems have JSON paths and no `fix`. */
export function parseStateJson(data: unknown, engines: readonly EngineStateSchema[]): ParsedState {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return {
      issues: [
        { path: pathOf([]), value: data, allowed: 'an object with format, stack and databases, as pgfleet synth writes it', fix: '' },
      ],
    };
  }
  const format = (data as { format?: unknown }).format;
  if (format !== 1 && format !== STATE_FORMAT) {
    const newer = typeof format === 'number' && format > STATE_FORMAT;
    return {
      issues: [
        {
          path: 'format',
          value: format,
          allowed: `1 or ${STATE_FORMAT}, the state formats this pgfleet reads${newer ? ' (the file was written by a newer pgfleet)' : ''}`,
          fix: '',
        },
      ],
    };
  }
  const issues: ConfigIssue[] = [];
  if (format === 1) {
    const schema = stackStateSchema1(engines);
    const parsed = schema.safeParse(data, { jitless: true });
    if (!parsed.success) return { issues: noFix(fromZodIssues(parsed.error.issues, schema, data, pathOf)) };
    const converted = fromFormat1(parsed.data as StackState1, engines);
    issues.push(...converted.issues);
    const state = checkFacts(converted.state as StackState, engines, issues, { key: 'extra', raw: data });
    return issues.length ? { issues } : { state, issues };
  }
  const schema = stackStateSchema(engines);
  const parsed = schema.safeParse(data, { jitless: true });
  if (!parsed.success) return { issues: noFix(fromZodIssues(parsed.error.issues, schema, data, pathOf)) };
  const state = checkFacts(parsed.data as StackState, engines, issues);
  return issues.length ? { issues } : { state, issues };
}
