/**
 * Build step: compiles a validator for every served kind of the vendored `crds/` into ajv
 * standalone modules under `build/validators/`, with an index, so `pgfleet synth` loads compiled
 * code instead of parsing 4 MB of YAML and compiling schemas on every run. `scripts/build.js`
 * runs it when a CRD or this compiler changed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import standaloneCode from 'ajv/dist/standalone';
import { CrdCatalog } from '../lib/outputs/validate/crd-catalog';
import { kubernetesAjv } from '../lib/outputs/validate/kubernetes-ajv';
import { collectFormats, prepareSchema } from '../lib/outputs/validate/openapi-schema';
import { INDEX_FILE, type PrecompiledIndex } from '../lib/outputs/validate/precompiled-validators';

export function compileValidators(crdDir: string, outDir: string): PrecompiledIndex {
  const catalog = new CrdCatalog([crdDir]);
  const kinds: Record<string, string> = {};
  const served: Record<string, string[]> = {};
  const written = new Set([INDEX_FILE, 'validator-runtime.js']);
  for (const k of catalog.all()) {
    const key = `${k.group}/${k.version}|${k.kind}`;
    if (kinds[key]) continue; // the first file defining a kind wins, as at run time
    const ajv = kubernetesAjv({ standalone: true });
    const schema = prepareSchema(k.schema);
    for (const f of collectFormats(schema)) if (!ajv.formats[f]) ajv.addFormat(f, true);
    const file = `${k.group}_${k.version}_${k.kind}.js`.toLowerCase();
    fs.writeFileSync(path.join(outDir, file), standaloneCode(ajv, ajv.compile(schema)));
    written.add(file);
    kinds[key] = file;
    (served[`${k.group}|${k.kind}`] ??= []).push(k.version);
  }
  for (const f of fs.readdirSync(outDir)) if (!written.has(f)) fs.rmSync(path.join(outDir, f), { recursive: true });
  const crds = Object.fromEntries(
    catalog.files.map((f) => {
      const stat = fs.statSync(f);
      return [path.basename(f), { size: stat.size, mtimeMs: stat.mtimeMs }];
    }),
  );
  const index: PrecompiledIndex = { crds, kinds, served };
  fs.writeFileSync(path.join(outDir, INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`);
  return index;
}

if (require.main === module) {
  const [crdDir, outDir] = process.argv.slice(2);
  const index = compileValidators(crdDir, outDir);
  console.log(`compiled ${Object.keys(index.kinds).length} validators from ${crdDir} into ${outDir}`);
}
