/**
 * Durations, the one parser of the project: Go durations as operators write them (`672h`,
 * `1h30m`), and the looser `duration` format the Kubernetes API server accepts in CRD fields.
 */

/** A Go duration (time.ParseDuration), sign and zero included. */
export const GO_DURATION = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;

/** The durations a stack may write: positive Go durations such as `12h`, `30m`, `1h30m`. */
export const DURATION_PATTERN = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, μs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Seconds in any Go duration (`90m`, `.5h`, `0`; e.g. robfig/cron's `@every`), or undefined when it is not one. */
export function goDurationSeconds(text: string): number | undefined {
  if (!GO_DURATION.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(m[1]) * UNIT_SECONDS[m[2]];
  return text.startsWith('-') ? -total : total;
}

/** Seconds in a stack duration, or undefined when it is not one. */
export function durationSeconds(text: string): number | undefined {
  if (!DURATION_PATTERN.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * UNIT_SECONDS[m[2]];
  return total;
}

/** Units of kube-openapi's strfmt.ParseDuration: the last spelling of each matches as a prefix. */
const KUBE_UNITS = [
  ['ns', 'nano'],
  ['us', 'µs', 'micro'],
  ['ms', 'milli'],
  ['s', 'sec'],
  ['m', 'min'],
  ['h', 'hr', 'hour'],
  ['d', 'day'],
  ['w', 'wk', 'week'],
];

/**
 * The `duration` format as the API server checks it (kube-openapi strfmt): a Go duration
 * (`1h30m`, `672h`) or any text with a number-and-unit pair (`12 hr`, `3d`, `4 weeks`).
 */
export function isKubeDuration(s: string): boolean {
  if (GO_DURATION.test(s)) return true;
  for (const m of s.matchAll(/(\d+)\s*([A-Za-zµ]+)/g)) {
    const unit = m[2].toLowerCase();
    if (KUBE_UNITS.some((vs) => vs.some((v, i) => unit === v || (i === vs.length - 1 && unit.startsWith(v))))) return true;
  }
  return false;
}
