/**
 * What compiled validators call at run time: the regex engine, the formats and the list-type
 * check. Validators compiled in-process use these functions directly; the ones compiled at build
 * time (standalone code, `build/validators/`) `require` this module, which the build bundles
 * next to them as `validator-runtime.js` — hence the `code` property on each export.
 */
import { fullFormats } from 'ajv-formats/dist/formats';
import { isKubeDuration } from '../../config/duration';

const RUNTIME = 'require("./validator-runtime")';

interface Pattern {
  test(s: string): boolean;
  toString(): string;
}

/** Compiled patterns by flags and source: RE2 objects live in wasm memory, so each is built once. */
const compiled = new Map<string, Pattern>();

/**
 * Where JavaScript and Go (RE2) read a pattern the same way, JavaScript's engine runs it (RE2 in
 * wasm costs ~1 ms a pattern to build). They differ on `.` (RE2 matches \r), `\s`/`\S` (RE2 is
 * ASCII-only), Unicode classes, a leading `]` in a class, POSIX classes (`[[:alpha:]]` is a plain class to JavaScript) and
 * Go-only syntax, which JavaScript's unicode mode rejects.
 */
export function sameInJavaScript(pattern: string, flags: string): RegExp | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if ('sSpP'.includes(pattern[i + 1] ?? '')) return undefined;
      i++;
    } else if (inClass) {
      if (c === '[' && pattern[i + 1] === ':') return undefined;
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') return undefined; // literal to Go, an empty class to JavaScript
    } else if (c === '.') return undefined;
  }
  try {
    return new RegExp(pattern, flags);
  } catch {
    return undefined;
  }
}

function compilePattern(pattern: string, flags: string): Pattern {
  const js = sameInJavaScript(pattern, flags);
  if (js) return js;
  // `(?i:…)` around the whole pattern (a CEL rule's `matches("(?i:PASSWORD)")`) is JavaScript's i
  // flag; the inner part parses on its own only when the group really spans the pattern.
  const ci = /^\(\?i:(.*)\)$/s.exec(pattern);
  const insensitive = ci ? sameInJavaScript(ci[1], `${flags}i`) : undefined;
  if (insensitive) return insensitive;
  try {
    // Loaded on first need: most manifests never meet a pattern JavaScript cannot run.
    const { RE2 } = require('re2-wasm') as typeof import('re2-wasm');
    return new RE2(pattern, flags);
  } catch {
    // Unicode mode rejects some escapes that Go and non-unicode JavaScript accept (e.g. `\-`).
    for (const f of [flags, flags.replace('u', '')]) {
      try {
        return new RegExp(pattern, f);
      } catch {
        // try the next flags
      }
    }
    return { test: () => true, toString: () => `/${pattern}/ (unchecked)` };
  }
}

/**
 * ajv's regex engine: RE2, because CRDs carry Go (RE2) syntax such as `[[:print:]]` and `(?i:…)`
 * that JavaScript rejects. Compiled on first use (a validator module declares all its patterns
 * when it loads). A pattern neither RE2 nor JavaScript compiles is not checked, rather than
 * failing every kind of that CRD.
 */
export const regExp = Object.assign(
  (pattern: string, flags: string): Pattern => {
    const f = flags.includes('u') ? flags : `${flags}u`;
    const key = `${f}/${pattern}`;
    let rx: Pattern | undefined;
    return {
      test: (s: string) => {
        rx ??= compiled.get(key) ?? compiled.set(key, compilePattern(pattern, f)).get(key)!;
        return rx.test(s);
      },
      toString: () => `/${pattern}/${f}`,
    };
  },
  { code: `${RUNTIME}.regExp` },
);

/**
 * The formats CRD schemas use: ajv-formats' full set (int32, int64, byte, date-time, ...) and
 * `duration` as the API server checks it. Formats the server does not know are accepted there,
 * so the compiler registers them as `true`.
 */
export const formats = { ...fullFormats, duration: { type: 'string' as const, validate: isKubeDuration } };

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/**
 * `x-kubernetes-list-type: set|map`: the API server rejects duplicate entries (whole items for a
 * set, the `x-kubernetes-list-map-keys` tuple for a map). The first duplicate, by index, or
 * undefined. An entry missing a key is left to `required` (or to the server's default for it).
 */
export const listTypeDuplicate = Object.assign(
  (data: unknown, type: string, mapKeys: readonly string[]): { index: string; message: string } | undefined => {
    if (!Array.isArray(data)) return undefined;
    const seen = new Set<string>();
    for (let i = 0; i < data.length; i++) {
      const item = data[i] as Record<string, unknown>;
      const hasKeys = item !== null && typeof item === 'object' && !Array.isArray(item) && mapKeys.every((k) => item[k] !== undefined);
      const key = type === 'set' ? stableJson(item) : hasKeys ? stableJson(mapKeys.map((k) => item[k])) : undefined;
      if (key === undefined) continue;
      if (seen.has(key)) {
        const what = type === 'set' ? `value ${key}` : `entry with ${mapKeys.map((k) => `${k}=${stableJson(item[k])}`).join(', ')}`;
        return { index: String(i), message: `duplicate ${what}` };
      }
      seen.add(key);
    }
    return undefined;
  },
  { code: `${RUNTIME}.listTypeDuplicate` },
);
