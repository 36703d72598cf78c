/** Validation problems as users read them: object, dotted path, and what is allowed. */
import type { ErrorObject } from 'ajv';

/** One thing wrong with one manifest object. */
export interface ManifestProblem {
  /** index of the object in the input array */
  readonly index: number;
  /** e.g. "postgresql.cnpg.io/v1 Cluster forgejo-db" */
  readonly object: string;
  /** JSON path inside the object, e.g. "spec.storage.size" ("" for the root) */
  readonly path: string;
  /** what is wrong and what is allowed, e.g. "must be one of: a, b" / "unknown field \"foo\"" */
  readonly message: string;
}

/** Formats problems one per line: `<object>: <path>: <message>` (the path is left out when it is the root). */
export function formatManifestProblems(problems: readonly ManifestProblem[]): string {
  return problems.map((p) => (p.path ? `${p.object}: ${p.path}: ${p.message}` : `${p.object}: ${p.message}`)).join('\n');
}

export function isPlainObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describeObject(obj: unknown, index: number): string {
  if (!isPlainObject(obj)) return `object #${index}`;
  const name = isPlainObject(obj.metadata) && typeof obj.metadata.name === 'string' ? obj.metadata.name : `(unnamed #${index})`;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : '?');
  return `${str(obj.apiVersion)} ${str(obj.kind)} ${name}`;
}

/** Path segments as a dotted path: indices as `[i]`, odd keys quoted (`parameters["work mem"]`). */
export function joinSegments(segments: readonly (string | number)[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** A JSON pointer as a dotted path; array indices as `[i]` (decided by the data) and odd keys quoted. */
function toPath(pointer: string, root: unknown): string {
  if (!pointer) return '';
  let out = '';
  let cur: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
    cur = isPlainObject(cur) || Array.isArray(cur) ? (cur as any)[seg] : undefined;
  }
  return out;
}

function showValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** ajv errors (ours or kubernetes-models') as readable problems: merged, deduplicated, in order. */
export function ajvProblems(errors: readonly ErrorObject[], root: unknown): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  // Type errors from int-or-string alternatives merge into one "must be integer or string".
  const types = new Map<string, string[]>();
  for (const e of errors) {
    if (e.keyword !== 'type') continue;
    const list = types.get(e.instancePath) ?? [];
    const t = e.params?.type;
    for (const x of Array.isArray(t) ? t : String(t).split(',')) if (!list.includes(x)) list.push(x);
    types.set(e.instancePath, list);
  }
  const pathsWithDetail = new Set(errors.filter((e) => !['anyOf', 'oneOf'].includes(e.keyword)).map((e) => e.instancePath));
  for (const e of errors) {
    const p = toPath(e.instancePath, root);
    const params: Record<string, any> = e.params ?? {};
    switch (e.keyword) {
      case 'additionalProperties':
        out.push({ path: p, message: `unknown field "${params.additionalProperty}"` });
        break;
      case 'required':
        out.push({ path: p, message: `missing required field "${params.missingProperty}"` });
        break;
      case 'type':
        out.push({ path: p, message: `must be ${types.get(e.instancePath)!.join(' or ')}` });
        break;
      case 'x-kubernetes-int-or-string':
        out.push({ path: p, message: 'must be integer or string' });
        break;
      case 'enum':
        out.push({ path: p, message: `must be one of: ${(params.allowedValues as unknown[]).map(showValue).join(', ')}` });
        break;
      case 'pattern':
        out.push({ path: p, message: `must match ${params.pattern}` });
        break;
      case 'format':
        out.push({ path: p, message: `must be a valid ${params.format}` });
        break;
      case 'anyOf':
      case 'oneOf':
        // The alternatives' own errors say more; keep this only when there are none.
        if (!pathsWithDetail.has(e.instancePath)) out.push({ path: p, message: 'must match one of the allowed forms' });
        break;
      default:
        out.push({ path: p, message: e.message ?? `fails "${e.keyword}"` });
    }
  }
  return out;
}
