/**
 * The committed dist/ is the reviewed output: it must be exactly what synth produces now, valid,
 * buildable with the real kubectl kustomize, and free of secret values.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { stackFileJsonSchema } from '../lib/config/json-schema';
import { findStackFiles, stackNameOf } from '../lib/config/load-stack';
import { ENGINES } from '../lib/engines';
import { describeWithTools, ROOT, tempDir } from './helpers';

const DIST = path.join(ROOT, 'dist');
const stacks = findStackFiles(path.join(ROOT, 'stacks')).map(stackNameOf);

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of fs.readdirSync(dir))
    for (const f of fs.readdirSync(path.join(dir, s))) out[`${s}/${f}`] = fs.readFileSync(path.join(dir, s, f), 'utf8');
  return out;
}

function manifests(stack: string): Record<string, any>[] {
  return fs
    .readdirSync(path.join(DIST, stack))
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml' && !f.endsWith('.values.yaml'))
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(DIST, stack, f), 'utf8')).map((d) => d.toJS()));
}

/** Places where a manifest carries a literal credential instead of a reference. */
export function secretValues(obj: unknown, p = ''): string[] {
  if (Array.isArray(obj)) return obj.flatMap((v, i) => secretValues(v, `${p}[${i}]`));
  if (!obj || typeof obj !== 'object') return [];
  const o = obj as Record<string, unknown>;
  const found: string[] = [];
  if (o.kind === 'Secret' && (o.data || o.stringData)) found.push(`${p} Secret with data`);
  if (typeof o.name === 'string' && /PASSWORD|SECRET|TOKEN|ACCESS_KEY/i.test(o.name) && typeof o.value === 'string' && o.value !== '')
    found.push(`${p} env ${o.name} has a literal value`);
  for (const [k, v] of Object.entries(o)) {
    if (/^(password|secret|token|secretAccessKey|accessKeyId)$/i.test(k) && typeof v === 'string' && !/^\{\{.*\}\}$/.test(v))
      found.push(`${p}.${k} is a literal`);
    found.push(...secretValues(v, `${p}.${k}`));
  }
  return found;
}

describe('committed dist/', () => {
  test('has one directory per stack file', () => {
    expect(fs.readdirSync(DIST).sort()).toEqual([...stacks].sort());
  });

  test('is exactly what synth produces now', () => {
    const out = tempDir();
    // Synth reads the previous state from its output directory: start from the committed one.
    fs.cpSync(DIST, out, { recursive: true });
    execFileSync(process.execPath, [path.join(ROOT, 'bin/pgfleet.js'), 'synth', '--out', out], { cwd: ROOT, stdio: 'pipe' });
    expect(tree(out)).toEqual(tree(DIST));
  });

  describeWithTools(['kubectl'], 'kubectl kustomize', () => {
    test.each(stacks)('%s builds with kubectl kustomize', (stack) => {
      const r = spawnSync('kubectl', ['kustomize', path.join(DIST, stack)], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const built = parseAllDocuments(r.stdout).map((d) => d.toJS());
      expect(built).toHaveLength(manifests(stack).length);
    });
  });

  test.each(stacks)('%s carries no secret values', (stack) => {
    expect(manifests(stack).flatMap((m) => secretValues(m, `${m.kind}/${m.metadata.name}`))).toEqual([]);
    for (const f of fs.readdirSync(path.join(DIST, stack)).filter((x) => x.endsWith('.values.yaml'))) {
      expect(secretValues(parseAllDocuments(fs.readFileSync(path.join(DIST, stack, f), 'utf8'))[0].toJS(), f)).toEqual([]);
    }
  });

  test.each(stacks)('%s names every object explicitly, in a namespace, managed by pgfleet', (stack) => {
    for (const m of manifests(stack)) {
      expect(m.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
      expect(m.metadata.generateName).toBeUndefined();
      expect(m.metadata.namespace).toBeTruthy();
      expect(m.metadata.labels['app.kubernetes.io/managed-by']).toBe('pgfleet');
    }
  });

  test('the secret scanner finds literals (so the checks above can fail)', () => {
    expect(secretValues({ kind: 'Secret', data: { a: 'b' } })).toHaveLength(1);
    expect(secretValues({ env: [{ name: 'POSTGRES_PASSWORD', value: 'hunter2' }] })).toHaveLength(1);
    expect(secretValues({ env: [{ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'x', key: 'y' } } }] })).toHaveLength(0);
  });
});

describe('stack file JSON Schema', () => {
  test('docs/stack-file.schema.json is current (regenerate: pgfleet schema > docs/stack-file.schema.json)', () => {
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'docs/stack-file.schema.json'), 'utf8'))).toEqual(stackFileJsonSchema(ENGINES));
  });
});
