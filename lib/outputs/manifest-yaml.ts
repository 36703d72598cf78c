/**
 * Manifests as YAML text, byte for byte as the `yaml` library writes them (YAML 1.1 quoting,
 * no line folding), four to ten times faster: serializing was two thirds of a 1,000-database
 * synth. The structure (block maps and sequences, two-space indent) is written here; any scalar
 * this module is not sure of is written by the library itself, and anything else it does not
 * know (a multi-line key, a non-JSON value) sends the whole object to the library. A property
 * test holds the two to the same output (test/outputs/manifest-yaml.test.ts).
 */
import { stringify } from 'yaml';

// YAML 1.1 rules quote strings such as times, "yes" or "on" that Kubernetes' YAML 1.1 parser
// would otherwise read as timestamps or booleans.
const OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' } as const;

/** The library's own serialization: the reference, and the fallback. */
export function libraryYaml(value: unknown): string {
  return stringify(value, OPTIONS);
}

/** Words YAML 1.1 reads as booleans or null, which must stay quoted as strings. */
const WORDS = new Set(
  ['y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null'].flatMap((w) => [w, w.toUpperCase(), w[0].toUpperCase() + w.slice(1)]),
);

/** The characters a plain scalar may hold after its first one (printable ASCII but quotes, `#`, `\\`, backtick). */
const REST = String.raw`[-\w./()=+@,:;?*&%!|<>[\]{}$^~ ]*[-\w./()=+@,;?*&%!|<>[\]{}$^~]`;
/** Starts the library writes plain: a letter, `/`, `_`, or `-` before a letter (a flag). */
const PLAIN = new RegExp(`^(?:[A-Za-z/_]|--?[A-Za-z])(?:${REST})?$`);
/**
 * Strings that start with a digit but can read as no YAML 1.1 number, time or sexagesimal: a
 * quantity or duration (`256Mi`, `1.5Gi`, `30min`), or a cron schedule (`0 2 * * *`).
 */
const DIGIT_PLAIN = /^(?:[0-9]+(?:\.[0-9]+)?(?:[KMGTP]i|[mkMGTP]|[KMGT]B|min|[smhd])|[0-9][0-9,/-]*(?: [-0-9*/,?A-Za-z]+)+)$/;

/**
 * A string the library writes plain, judged conservatively: one of the shapes above, with no
 * `: `, ` #` or trailing `:`, and not a YAML 1.1 keyword. Everything else goes to the library.
 */
function plainSafe(s: string): boolean {
  return (PLAIN.test(s) || DIGIT_PLAIN.test(s)) && !s.includes(': ') && !s.includes(' #') && !WORDS.has(s);
}

/**
 * A multi-line string as the library writes it, when it is plain printable ASCII without edge
 * whitespace: a literal block, `|` when it ends in one line break, `|-` when in none.
 */
function literalBlock(s: string, indent: string): string | undefined {
  if (!/^[!-~][\x20-\x7e\n]*$/.test(s) || / \n|\n\n$| $|^[^\n]*$/.test(s)) return undefined;
  const clip = s.endsWith('\n');
  const body = clip ? s.slice(0, -1) : s;
  const lines = body.split('\n').map((l) => (l === '' ? l : `${indent}  ${l}`));
  return `|${clip ? '' : '-'}\n${lines.join('\n')}`;
}

class Fallback extends Error {}

/** A scalar as the library writes it after `key: `, with its continuation lines at `indent + 2`. */
function libraryScalar(v: unknown, indent: string): string {
  const text = stringify({ k: v }, OPTIONS);
  const lines = text.slice(3, -1).split('\n');
  return [lines[0], ...lines.slice(1).map((l) => (l === '' ? l : indent + l))].join('\n');
}

function scalar(v: unknown, indent: string): string {
  if (typeof v === 'string') {
    if (plainSafe(v)) return v;
    // Strings YAML 1.1 would read as a number, boolean or null: the library double-quotes them.
    if (v === '' || /^[0-9]+$/.test(v) || WORDS.has(v)) return `"${v}"`;
    return literalBlock(v, indent) ?? libraryScalar(v, indent);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return 'null';
  if (typeof v === 'number' && Number.isSafeInteger(v) && !Object.is(v, -0)) return String(v);
  if (typeof v === 'number') return libraryScalar(v, indent);
  throw new Fallback(); // undefined, functions, ...: not JSON
}

/** A map key as the library writes it; at column 0 it also quotes document markers (`...`). */
function key(k: string, nested: boolean): string {
  if (plainSafe(k)) return k;
  const text = nested ? stringify({ k: { [k]: 1 } }, OPTIONS).slice(5) : stringify({ [k]: 1 }, OPTIONS);
  if (!text.endsWith(': 1\n') || text.indexOf('\n') !== text.length - 1) throw new Fallback();
  return text.slice(0, -4);
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Lines of a non-empty collection at `indent`; `first` replaces the indent of the first line (`- ` of a parent item). */
function block(v: Record<string, unknown> | unknown[], indent: string, out: string[], first = indent): void {
  let lead = first;
  if (Array.isArray(v)) {
    for (const item of v) {
      entry(`${lead}-`, item, `${indent}  `, out, true);
      lead = indent;
    }
    return;
  }
  for (const [k, item] of Object.entries(v)) {
    entry(`${lead}${key(k, indent !== '')}:`, item, `${indent}  `, out, false);
    lead = indent;
  }
}

/** One `key: value` or `- value`; `inner` is where a nested collection's lines start. */
function entry(head: string, v: unknown, inner: string, out: string[], item: boolean): void {
  if (Array.isArray(v) || isMap(v)) {
    if (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0) out.push(`${head} ${Array.isArray(v) ? '[]' : '{}'}`);
    // A collection in a sequence item starts on the item's line; in a map, on the next line.
    else if (item) block(v, inner, out, `${head} `);
    else {
      out.push(head);
      block(v, inner, out);
    }
    return;
  }
  // Continuation lines of a block scalar sit two spaces in from the key or dash: at `inner`.
  out.push(`${head} ${scalar(v, inner.slice(2))}`);
}

/** `value` as a YAML document, identical to `libraryYaml(value)`. */
export function manifestYaml(value: unknown): string {
  if (!isMap(value) || Object.keys(value).length === 0) return libraryYaml(value);
  try {
    const out: string[] = [];
    block(value, '', out);
    return `${out.join('\n')}\n`;
  } catch (e) {
    if (e instanceof Fallback) return libraryYaml(value);
    throw e;
  }
}
