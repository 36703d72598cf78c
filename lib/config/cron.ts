/**
 * Cron expressions. Kubernetes CronJobs and pgBackRest schedules in PGO take five fields;
 * CloudNativePG's ScheduledBackup takes six (seconds first). Mixing them up is a common mistake
 * (a five-field string in a ScheduledBackup means something else entirely), so both are checked.
 */

const FIELD = /^(\*|\?|[0-9]+(-[0-9]+)?|[A-Za-z]{3}(-[A-Za-z]{3})?)(\/[0-9]+)?(,(\*|[0-9]+(-[0-9]+)?|[A-Za-z]{3}(-[A-Za-z]{3})?)(\/[0-9]+)?)*$/;
const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
// Ranges per field, seconds first (six-field form).
// Day of week is 0-6: the cron parser Kubernetes and CloudNativePG use rejects 7.
const RANGES: [number, number][] = [[0, 59], [0, 59], [0, 23], [1, 31], [1, 12], [0, 6]];

function fieldsValid(fields: string[], ranges: [number, number][]): boolean {
  return fields.every((f, i) => {
    if (!FIELD.test(f)) return false;
    const numbers = f.match(/[0-9]+/g) ?? [];
    const steps = f.match(/\/[0-9]+/g)?.map((s) => s.slice(1)) ?? [];
    const [lo, hi] = ranges[i];
    return numbers.filter((n) => !steps.includes(n)).every((n) => Number(n) >= lo && Number(n) <= hi);
  });
}

/** A five-field cron (`min hour dom month dow`) or a macro like `@daily`. */
export function isCron5(expr: string): boolean {
  const t = expr.trim();
  if (MACROS.includes(t)) return true;
  const fields = t.split(/\s+/);
  return fields.length === 5 && fieldsValid(fields, RANGES.slice(1));
}

/** CloudNativePG's six-field cron (`sec min hour dom month dow`). */
export function isCron6(expr: string): boolean {
  const fields = expr.trim().split(/\s+/);
  return fields.length === 6 && fieldsValid(fields, RANGES);
}
