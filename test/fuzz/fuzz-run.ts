/**
 * The property: no change pgfleet accepts loses or endangers live data unless the stack names it.
 * Random edit sequences over every sample stack, each step synthesized against the previous
 * output as `pgfleet synth` does, judged by the oracle (./oracle.ts). Counts violations (accepted,
 * dangerous, not acknowledged) and false alarms (refused, nothing dangerous).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import type { ManifestValidator } from '../../lib/outputs/validate/manifest-validator';
import { applyEdit, type Edit, editArb, resetNames } from './edits';
import { type Finding, findings, unexcused } from './oracle';
import { diffLines, renderFresh, type StackFiles, type StepOutcome, synthStep } from './pgfleet-step';

type Config = Record<string, any>;

export interface FuzzOptions {
  readonly runs: number;
  readonly seed: number;
  readonly stacksDir: string;
  /** Validate objects against their schemas, as synth does. @default - no validation */
  readonly validator?: ManifestValidator;
  /** Examples kept per kind. @default 5 */
  readonly keep?: number;
}

/** One step as the report shows it. */
export interface StepRecord {
  readonly stack: string;
  readonly edits: readonly string[];
  readonly outcome: string;
  readonly findings: readonly Finding[];
}

export interface FuzzStats {
  sequences: number;
  edits: number;
  accepted: number;
  refused: number;
  /** Refused because the config is invalid whatever the previous output (schema, references). */
  invalid: number;
  /** Steps the oracle found nothing dangerous in (accepted, or refused yet renderable). */
  harmless: number;
  violations: number;
  violationsByClass: Record<string, number>;
  falseAlarms: number;
  /** False alarms by what refused them (the first issue's rule, or the acknowledgement asked for). */
  falseAlarmReasons: Record<string, number>;
  /** Refused and dangerous: what the gate is for. */
  rightlyRefused: number;
  seconds: number;
  violationExamples: StepRecord[];
  falseAlarmExamples: StepRecord[];
}

interface Sequence {
  readonly stack: string;
  /** Start one major lower (the samples run the newest majors, which leaves no in-place upgrade to try). */
  readonly lower: boolean;
  readonly steps: readonly { readonly edit: Edit; readonly obey: boolean }[];
}

function describeOutcome(o: StepOutcome): string {
  switch (o.kind) {
    case 'accepted':
      return 'accepted';
    case 'config':
      return `refused: ${o.issues.map((i) => `${i.path}: ${i.allowed}`).join(' | ')}`;
    case 'gate':
      return [
        `gated: ${o.missing.map((a) => a.name).join(', ')}; the diff said:`,
        ...diffLines(o.diff).filter((l) => / (destroys-data|irreversible): /.test(l)),
      ].join('\n      ');
    case 'invalid':
      return `invalid objects: ${o.problems.slice(0, 3).join(' | ')}`;
  }
}

/** A refusal's rule, in a few words: the first issue's path and allowed text, or the gate's classes. */
function reasonOf(o: StepOutcome): string {
  if (o.kind === 'config') return `${o.issues[0].path.replace(/\[\d+\]/g, '[]')}: ${o.issues[0].allowed.slice(0, 70)}`;
  if (o.kind === 'gate') return `gate ${[...new Set(o.missing.map((a) => a.class))].join('+')}`;
  return o.kind;
}

/** The gate's demand met: the acknowledgements it asked for added to their databases. */
function withAcknowledgements(config: Config, names: readonly { name: string; database?: string }[]): Config {
  const next = structuredClone(config);
  for (const db of next['pgfleet:databases']) {
    const mine = names.filter((n) => n.database === db.name).map((n) => n.name);
    if (mine.length) db.acknowledge = [...new Set([...(db.acknowledge ?? []), ...mine])];
  }
  return next;
}

/** A stack one major lower: every database's and generation's postgresVersion minus one. */
function lowered(config: Config): Config {
  const next = structuredClone(config);
  for (const db of next['pgfleet:databases']) {
    db.postgresVersion -= 1;
    for (const g of db.generations ?? []) if (g.postgresVersion !== undefined) g.postgresVersion -= 1;
  }
  return next;
}

/** The sample stacks: name and `config:` mapping. */
export function sampleStacks(dir: string): { stack: string; config: Config }[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
    .sort()
    .map((f) => ({ stack: f.slice('Pulumi.'.length, -'.yaml'.length), config: parse(fs.readFileSync(path.join(dir, f), 'utf8')).config }));
}

/** Runs `runs` random sequences from `seed`; deterministic for the same pgfleet and options. */
export function runFuzz(o: FuzzOptions): FuzzStats {
  const stacks = sampleStacks(o.stacksDir);
  const keep = o.keep ?? 5;
  const starts = new Map<string, { config: Config; files: StackFiles }>();
  for (const s of stacks) {
    starts.set(s.stack, { config: s.config, files: renderFresh(s.stack, s.config)! });
    const lower = lowered(s.config);
    const files = renderFresh(s.stack, lower);
    if (files) starts.set(`${s.stack} lower`, { config: lower, files });
  }
  const sequenceArb: fc.Arbitrary<Sequence> = fc.record({
    stack: fc.constantFrom(...stacks.map((s) => s.stack)),
    lower: fc.boolean(),
    steps: fc.array(fc.record({ edit: editArb, obey: fc.boolean() }), { minLength: 1, maxLength: 6 }),
  });
  const stats: FuzzStats = {
    sequences: 0,
    edits: 0,
    accepted: 0,
    refused: 0,
    invalid: 0,
    harmless: 0,
    violations: 0,
    violationsByClass: {},
    falseAlarms: 0,
    falseAlarmReasons: {},
    rightlyRefused: 0,
    seconds: 0,
    violationExamples: [],
    falseAlarmExamples: [],
  };
  const start = process.hrtime.bigint();
  for (const seq of fc.sample(sequenceArb, { numRuns: o.runs, seed: o.seed })) {
    stats.sequences++;
    resetNames();
    const origin = (seq.lower && starts.get(`${seq.stack} lower`)) || starts.get(seq.stack)!;
    let { config, files } = origin;
    const history: string[] = origin === starts.get(seq.stack) ? [] : ['(started one major lower)'];
    for (const { edit, obey } of seq.steps) {
      stats.edits++;
      const applied = applyEdit(config, edit);
      let next = applied.config;
      history.push(applied.did);
      let outcome = synthStep(seq.stack, next, files, o.validator);
      if (outcome.kind === 'gate' && obey) {
        next = withAcknowledgements(next, outcome.missing);
        history.push(`acknowledged as asked: ${outcome.missing.map((m) => m.name).join(', ')}`);
        outcome = synthStep(seq.stack, next, files, o.validator);
      }
      if (outcome.kind === 'accepted') {
        stats.accepted++;
        const found = findings({ files, config }, { files: outcome.files, config: next });
        const bad = unexcused(found, next);
        if (found.length === 0) stats.harmless++;
        if (bad.length) {
          stats.violations++;
          for (const c of new Set(bad.map((f) => f.class))) stats.violationsByClass[c] = (stats.violationsByClass[c] ?? 0) + 1;
          if (stats.violationExamples.length < keep)
            stats.violationExamples.push({
              stack: seq.stack,
              edits: [...history],
              outcome: ['accepted; the diff said:', ...diffLines(outcome.diff)].join('\n      '),
              findings: bad,
            });
        }
        config = next;
        files = outcome.files;
        continue;
      }
      stats.refused++;
      history[history.length - 1] += ` (refused: ${outcome.kind})`;
      const fresh = renderFresh(seq.stack, next);
      if (!fresh) {
        stats.invalid++;
        continue;
      }
      const found = findings({ files, config }, { files: fresh, config: next });
      if (found.length) stats.rightlyRefused++;
      else {
        stats.harmless++;
        stats.falseAlarms++;
        const reason = reasonOf(outcome);
        stats.falseAlarmReasons[reason] = (stats.falseAlarmReasons[reason] ?? 0) + 1;
        if (stats.falseAlarmExamples.length < keep)
          stats.falseAlarmExamples.push({ stack: seq.stack, edits: [...history], outcome: describeOutcome(outcome), findings: [] });
      }
    }
  }
  stats.seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return stats;
}

/** The figures as printed by `npm run fuzz`. */
export function formatStats(s: FuzzStats, seed: number): string {
  const rate = s.harmless ? ((100 * s.falseAlarms) / s.harmless).toFixed(2) : '0';
  const lines = [
    `seed ${seed}: ${s.sequences} sequences, ${s.edits} edits in ${s.seconds.toFixed(1)} s (${(s.sequences / s.seconds).toFixed(1)} sequences/s)`,
    `accepted ${s.accepted}, refused ${s.refused} (${s.invalid} invalid configs, ${s.rightlyRefused} dangerous), harmless ${s.harmless}`,
    `violations: ${s.violations}${
      Object.keys(s.violationsByClass).length
        ? ` (${Object.entries(s.violationsByClass)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')})`
        : ''
    }`,
    `false alarms: ${s.falseAlarms} (${rate}% of harmless edits)`,
  ];
  for (const [r, n] of Object.entries(s.falseAlarmReasons).sort((a, b) => b[1] - a[1])) lines.push(`  ${n} × ${r}`);
  const show = (title: string, r: StepRecord) =>
    [
      `${title} in ${r.stack}:`,
      ...r.edits.map((e) => `    ${e}`),
      `  → ${r.outcome}`,
      ...r.findings.map(
        (f) => `  ! ${f.class} ${f.generation}: ${f.detail}${f.excusedBy.length ? ` (needs ${f.excusedBy.join(' or ')})` : ''}`,
      ),
    ].join('\n');
  for (const r of s.violationExamples) lines.push(show('violation', r));
  for (const r of s.falseAlarmExamples) lines.push(show('false alarm', r));
  return lines.join('\n');
}
