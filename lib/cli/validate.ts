import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { formatManifestProblems } from '../outputs/validate/manifest-problems';
import type { ManifestValidator } from '../outputs/validate/manifest-validator';
import { UsageError } from './usage-error';

/** Kubernetes manifests below `dir` (kustomization and Helm values files are not objects). */
export function manifestFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return manifestFiles(p);
    return /\.ya?ml$/.test(e.name) && e.name !== 'kustomization.yaml' && !e.name.endsWith('.values.yaml') ? [p] : [];
  });
}

/** Validates every manifest below `dir`; returns the report and whether all passed. */
export function validateDir(dir: string, validator: ManifestValidator): { ok: boolean; report: string; count: number } {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new UsageError(`${dir} is not a directory of manifests: pass the output of pgfleet synth, e.g. dist or dist/<stack>`);
  const objects: any[] = [];
  const origin: string[] = [];
  for (const f of manifestFiles(dir).sort()) {
    for (const doc of parseAllDocuments(fs.readFileSync(f, 'utf8'))) {
      const obj = doc.toJS();
      if (obj) {
        objects.push(obj);
        origin.push(path.relative(dir, f));
      }
    }
  }
  const problems = validator.validate(objects);
  const report = problems.length ? formatManifestProblems(problems.map((p) => ({ ...p, object: `${origin[p.index]}: ${p.object}` }))) : '';
  return { ok: problems.length === 0, report, count: objects.length };
}
