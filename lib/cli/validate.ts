import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { formatManifestProblems } from '../outputs/validate/manifest-problems';
import type { ManifestValidator } from '../outputs/validate/manifest-validator';
import { previousIn } from '../outputs/validate/previous-objects';
import { BaseError, fileAt, inGitCheckout, verifyCommit } from '../review/base-files';
import { UsageError } from './usage-error';

/** Kubernetes manifests below `dir` (kustomization and Helm values files are not objects). */
export function manifestFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return manifestFiles(p);
    return /\.ya?ml$/.test(e.name) && e.name !== 'kustomization.yaml' && !e.name.endsWith('.values.yaml') ? [p] : [];
  });
}

/**
 * The text a manifest file had at a git revision, for the CEL transition rules; undefined when
 * the file is not in git there (a new object). Outside a git checkout every object is new; inside
 * one, a revision that does not exist is refused (a typo must not switch the rules off).
 */
export function fileAtRevision(ref: string, dir: string): ((file: string) => string | undefined) | undefined {
  if (ref.startsWith('-')) throw new UsageError(`--base ${ref}: a git revision such as HEAD or main, not an option`);
  if (!fs.existsSync(dir) || !inGitCheckout(dir)) return undefined;
  try {
    verifyCommit(ref, dir, '');
  } catch (e) {
    if (e instanceof BaseError) throw new UsageError(e.message);
    throw e;
  }
  return (file) => fileAt(ref, path.basename(file), path.dirname(file));
}

export interface ValidateDirOptions {
  /** The previous text of a manifest file (absolute path), for transition rules. @default - every object is new */
  readonly previousFile?: (file: string) => string | undefined;
}

/** Validates every manifest below `dir`; returns the report and whether all passed. */
export function validateDir(
  dir: string,
  validator: ManifestValidator,
  options: ValidateDirOptions = {},
): { ok: boolean; report: string; count: number } {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new UsageError(`${dir} is not a directory of manifests: pass the output of pgfleet synth, e.g. dist or dist/<stack>`);
  const objects: any[] = [];
  const origin: string[] = [];
  for (const f of manifestFiles(dir).sort()) {
    for (const doc of parseAllDocuments(fs.readFileSync(f, 'utf8'))) {
      const obj = doc.toJS();
      if (obj) {
        objects.push(obj);
        origin.push(f);
      }
    }
  }
  const previousFile = options.previousFile;
  const problems = validator.validate(objects, {
    previous: previousFile ? (i) => previousIn(previousFile(path.resolve(origin[i])), objects[i]) : undefined,
  });
  const report = problems.length
    ? formatManifestProblems(problems.map((p) => ({ ...p, object: `${path.relative(dir, origin[p.index])}: ${p.object}` })))
    : '';
  return { ok: problems.length === 0, report, count: objects.length };
}
