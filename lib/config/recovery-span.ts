/**
 * Spans of time in recovery objectives and guarantees (`30s`, `5m`, `1h`, `7d`, `4w`), and the
 * time settings of PostgreSQL (`archive_timeout = 5min`), the one parser of each.
 */

/** A recovery objective: a positive whole number and one unit, s, m, h, d or w. */
export const SPAN_PATTERN = /^[1-9][0-9]*(s|m|h|d|w)$/;

const SPAN_UNITS: readonly (readonly [string, number])[] = [
  ['w', 604_800],
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
];

/** Seconds in a span such as `5m` or `7d`, or undefined when it is not one. */
export function spanSeconds(text: string): number | undefined {
  if (!SPAN_PATTERN.test(text)) return undefined;
  const unit = text.slice(-1);
  return Number(text.slice(0, -1)) * SPAN_UNITS.find(([u]) => u === unit)![1];
}

/** Seconds in the largest unit below weeks that divides them (`300` → `5m`, `90000` → `25h`, `604800` → `7d`); `null` is `unbounded`. */
export function formatSpan(seconds: number | null): string {
  if (seconds === null) return 'unbounded';
  const whole = Math.round(seconds);
  if (whole === 0) return '0s';
  // Days rather than weeks: retention settings count days.
  const [unit, n] = SPAN_UNITS.slice(1).find(([, n]) => whole % n === 0)!;
  return `${whole / n}${unit}`;
}

const PG_UNITS: Readonly<Record<string, number>> = { us: 1e-6, ms: 1e-3, s: 1, min: 60, h: 3_600, d: 86_400 };

/**
 * Seconds in a PostgreSQL time setting as postgresql.conf takes it (`300`, `300s`, `5min`, `1h`);
 * a bare number is in the setting's unit (seconds for archive_timeout). Undefined when
 * PostgreSQL would refuse it.
 */
export function pgTimeSeconds(text: string, bareUnit: 'us' | 'ms' | 's' | 'min' | 'h' | 'd' = 's'): number | undefined {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(us|ms|s|min|h|d)?\s*$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * PG_UNITS[m[2] ?? bareUnit];
}
