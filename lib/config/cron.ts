/**
 * Cron expressions, the one parser of the project. Kubernetes CronJobs and pgBackRest schedules in
 * PGO take five fields; CloudNativePG's ScheduledBackup takes six (seconds first). Mixing them up
 * is a common mistake (a five-field string in a ScheduledBackup means something else entirely), so
 * both forms are checked, as robfig/cron (which Kubernetes and CloudNativePG use) parses them.
 */
import { GO_DURATION, goDurationSeconds } from './duration';

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const SECONDS: Field = { name: 'second', min: 0, max: 59 };
const FIVE: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  // 0-6: the parser Kubernetes and CloudNativePG use rejects 7.
  { name: 'day-of-week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];
/** Longest month, by month number (February has 29 days in leap years). */
const DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export interface CronOptions {
  /** Six fields, seconds first (CloudNativePG). @default false */
  readonly seconds?: boolean;
  /** Accept `@every <duration>` (robfig/cron; Kubernetes CronJobs do). @default false */
  readonly every?: boolean;
}

/** The values one field selects, or the problem with it. */
function fieldValues(text: string, f: Field): Set<number> | string {
  const value = (v: string): number | undefined => {
    if (/^\d+$/.test(v)) return Number(v);
    const i = f.names?.indexOf(v.toLowerCase()) ?? -1;
    return i >= 0 ? i + f.min : undefined;
  };
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^([^/]+)(?:\/(.*))?$/.exec(part);
    if (!m) return `invalid part ${JSON.stringify(part)}`;
    const [, range, stepText] = m;
    if (stepText !== undefined && !(/^\d+$/.test(stepText) && Number(stepText) > 0))
      return `step ${JSON.stringify(stepText)} must be a positive number`;
    const step = stepText === undefined ? 1 : Number(stepText);
    let lo = f.min;
    let hi = f.max;
    if (range !== '*' && range !== '?') {
      const bounds = range.split('-');
      if (bounds.length > 2) return `invalid range ${JSON.stringify(range)}`;
      const nums = bounds.map(value);
      for (let j = 0; j < bounds.length; j++) {
        const n = nums[j];
        if (n === undefined) return `${JSON.stringify(bounds[j])} is not a number${f.names ? ' or name' : ''}`;
        if (n < f.min || n > f.max) return `${n} is outside ${f.min}-${f.max}`;
      }
      lo = nums[0]!;
      hi = nums.length === 2 ? nums[1]! : stepText === undefined ? lo : f.max;
      if (lo > hi) return `range start ${lo} is after its end ${hi}`;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/**
 * What is wrong with a cron expression, or `undefined` when it is valid. Also refuses schedules
 * that can never fire (`0 0 31 2 *`: February has no 31st), which the parser itself accepts.
 */
export function cronProblem(expr: string, options: CronOptions = {}): string | undefined {
  const s = expr.trim();
  const fields = options.seconds ? [SECONDS, ...FIVE] : FIVE;
  const usage = `a cron expression with ${fields.length} fields (${fields.map((f) => f.name).join(' ')})${options.seconds ? '' : ` or one of ${DESCRIPTORS.join(', ')}`}`;
  if (/^(CRON_)?TZ=/.test(s)) return 'must not set a time zone (TZ=/CRON_TZ=): set the time zone field of the object instead';
  if (s.startsWith('@')) {
    if (DESCRIPTORS.includes(s)) return undefined;
    const every = /^@every\s+(\S+)$/.exec(s);
    if (options.every && every && GO_DURATION.test(every[1])) return undefined;
    return `must be ${usage}; got ${JSON.stringify(expr)}`;
  }
  const parts = s.split(/\s+/).filter((p) => p !== '');
  if (parts.length !== fields.length)
    return `must be ${usage}; got ${parts.length} field${parts.length === 1 ? '' : 's'} in ${JSON.stringify(expr)}`;
  const values: Set<number>[] = [];
  for (let i = 0; i < fields.length; i++) {
    const v = fieldValues(parts[i], fields[i]);
    if (typeof v === 'string') return `${fields[i].name} field ${JSON.stringify(parts[i])}: ${v}`;
    values.push(v);
  }
  const [dom, month] = values.slice(-3);
  // With a day-of-week set, cron fires on either match; otherwise some month must have the day.
  const dowIsAny = parts[parts.length - 1] === '*' || parts[parts.length - 1] === '?';
  if (dowIsAny && ![...month].some((m) => [...dom].some((d) => d <= DAYS_IN_MONTH[m]))) {
    return `never fires: no month in ${JSON.stringify(parts[parts.length - 2])} has day ${JSON.stringify(parts[parts.length - 3])}`;
  }
  return undefined;
}

/** A five-field cron (`min hour dom month dow`) or a macro like `@daily`. */
export function isCron5(expr: string): boolean {
  return cronProblem(expr) === undefined;
}

/** CloudNativePG's six-field cron (`sec min hour dom month dow`). */
export function isCron6(expr: string): boolean {
  return cronProblem(expr, { seconds: true }) === undefined;
}

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const DESCRIPTORS = Object.keys(MACROS);

/** The spacing of a schedule's runs, in seconds. */
export interface CronGaps {
  /** The longest time between two runs (the worst case a dump schedule loses). */
  readonly longest: number;
  /** The shortest time between two runs. */
  readonly shortest: number;
}

/**
 * The longest and shortest time between two runs of a valid schedule, over nine years of
 * calendar from 2025 (two leap days, every weekday/month-day combination), in UTC:
 * a schedule in a zone with daylight saving time runs an hour earlier or later twice a year.
 * Day-of-month and day-of-week combine as robfig/cron does: both must match when either is `*`,
 * else either. Undefined for an invalid expression.
 */
export function cronGaps(expr: string, options: CronOptions = {}): CronGaps | undefined {
  // Nine years day by day: a fleet shares a few schedules, so each is walked once per process.
  const key = `${expr}\0${options.seconds ? 's' : ''}${options.every ? 'e' : ''}`;
  if (!gapsCache.has(key)) gapsCache.set(key, gapsOf(expr, options));
  return gapsCache.get(key);
}

const gapsCache = new Map<string, CronGaps | undefined>();

function gapsOf(expr: string, options: CronOptions): CronGaps | undefined {
  if (cronProblem(expr, options) !== undefined) return undefined;
  const s = expr.trim();
  const every = /^@every\s+(\S+)$/.exec(s);
  if (every) {
    const seconds = goDurationSeconds(every[1]) ?? 0;
    return { longest: seconds, shortest: seconds };
  }
  const text = MACROS[s] ?? s;
  const fields = options.seconds && !MACROS[s] ? [SECONDS, ...FIVE] : FIVE;
  const parts = text.split(/\s+/).filter((p) => p !== '');
  const values = parts.map((p, i) => [...(fieldValues(p, fields[i]) as Set<number>)].sort((a, b) => a - b));
  const [secs, mins, hours, dom, month, dow] = fields.length === 6 ? values : [[0], ...values];
  const star = (p: string) => p.startsWith('*') || p.startsWith('?');
  const both = star(parts[parts.length - 3]) || star(parts[parts.length - 1]);
  const offsets = hours.flatMap((h) => mins.flatMap((m) => secs.map((x) => h * 3600 + m * 60 + x)));
  let shortest = Infinity;
  for (let i = 1; i < offsets.length; i++) shortest = Math.min(shortest, offsets[i] - offsets[i - 1]);
  let longest = shortest === Infinity ? 0 : Math.max(...offsets.slice(1).map((o, i) => o - offsets[i]));
  const start = Date.UTC(2025, 0, 1);
  let previousDay: number | undefined;
  for (let day = 0; day < 9 * 366; day++) {
    const d = new Date(start + day * 86_400_000);
    const domHit = dom.includes(d.getUTCDate());
    const dowHit = dow.includes(d.getUTCDay());
    if (!month.includes(d.getUTCMonth() + 1) || !(both ? domHit && dowHit : domHit || dowHit)) continue;
    if (previousDay !== undefined) {
      const gap = (day - previousDay) * 86_400 - offsets[offsets.length - 1] + offsets[0];
      longest = Math.max(longest, gap);
      shortest = Math.min(shortest, gap);
    }
    previousDay = day;
  }
  return { longest, shortest };
}
