import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ManifestValidator } from '../../lib/outputs/validate/manifest-validator';
import { PrecompiledValidators } from '../../lib/outputs/validate/precompiled-validators';
import { ROOT, tempDir } from '../helpers';

const CRDS = path.join(ROOT, 'crds');
const BUILT = path.join(ROOT, 'build', 'validators');

/** Every object pgfleet synthesizes for the sample fleet (the committed dist/). */
function distObjects(): Record<string, any>[] {
  const out: Record<string, any>[] = [];
  for (const stack of fs.readdirSync(path.join(ROOT, 'dist'))) {
    for (const f of fs.readdirSync(path.join(ROOT, 'dist', stack))) {
      if (!f.endsWith('.yaml') || f === 'kustomization.yaml' || f.endsWith('.values.yaml')) continue;
      out.push(parse(fs.readFileSync(path.join(ROOT, 'dist', stack, f), 'utf8')));
    }
  }
  return out;
}

/** Broken copies: an unknown field, a wrong type and a bad enum value in each custom resource's spec. */
function broken(objects: readonly Record<string, any>[]): Record<string, any>[] {
  return objects
    .filter((o) => o.apiVersion.includes('.') && o.spec)
    .flatMap((o) => {
      const [first] = Object.keys(o.spec);
      return [
        { ...o, spec: { ...o.spec, unknownFieldX: 1 } },
        { ...o, spec: { ...o.spec, [first]: 12345 } },
        { ...o, metadata: { ...o.metadata, name: 'Not_A_Name' } },
      ];
    });
}

describe('validators compiled at build time', () => {
  test('the build compiled one validator per served kind of crds/, and the default validator uses them', () => {
    const pre = PrecompiledValidators.load(BUILT, CRDS);
    expect(pre).toBeDefined();
    expect(typeof pre!.find('postgresql.cnpg.io/v1', 'Cluster')).toBe('function');
    expect(typeof pre!.find('postgres-operator.crunchydata.com/v1beta1', 'PostgresCluster')).toBe('function');
    // External Secrets still lists v1beta1, unserved: the served version is named instead.
    expect(pre!.find('external-secrets.io/v1beta1', 'ExternalSecret')).toEqual({ served: ['v1'] });
    expect(
      new ManifestValidator().validate([{ apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name: 'x' } }])[0]
        .message,
    ).toBe('no schema for external-secrets.io/v1beta1 ExternalSecret (its CRD serves only: v1)');
  });

  test('give exactly the problems of the schemas compiled at run time, for valid and broken objects', () => {
    const objects = distObjects();
    expect(objects.length).toBeGreaterThan(100);
    const all = [...objects, ...broken(objects)];
    const precompiled = new ManifestValidator().validate(all);
    const runtime = new ManifestValidator({ crdDirs: [CRDS] }).validate(all);
    expect(precompiled).toEqual(runtime);
    // Valid objects pass, and (nearly) every broken copy fails, so the comparison covers failures
    // too; a few schemas accept any spec field or a number in the first one.
    const failing = new Set(precompiled.map((p) => p.index));
    expect([...failing].every((i) => i >= objects.length)).toBe(true);
    expect(failing.size).toBeGreaterThan((all.length - objects.length) * 0.9);
  });

  test('are not used once a CRD file changed without a build: the files are compiled instead', () => {
    const dir = tempDir();
    for (const f of fs.readdirSync(CRDS)) fs.copyFileSync(path.join(CRDS, f), path.join(dir, f));
    expect(PrecompiledValidators.load(BUILT, dir)).toBeUndefined();
    expect(PrecompiledValidators.load(path.join(dir, 'nowhere'), CRDS)).toBeUndefined();
  });
});
