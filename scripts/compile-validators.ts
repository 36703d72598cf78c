/**
 * Build step: compiles a validator for every served kind of the vendored `crds/` into ajv
 * standalone modules under `build/validators/`, with an index, so `pgfleet synth` loads compiled
 * code instead of parsing 4 MB of YAML and compiling schemas on every run, and the CEL rules
 * (`x-kubernetes-validations`) of each kind into `<kind>.cel.json` (cel-plan.ts), each rule parsed
 * once here so an unreadable one fails the build. `scripts/build.js` runs it when a CRD or this
 * compiler changed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import standaloneCode from 'ajv/dist/standalone';
import { CrdCatalog } from '../lib/outputs/validate/crd-catalog';
import { kubernetesAjv } from '../lib/outputs/validate/kubernetes-ajv';
import { collectFormats, prepareSchema } from '../lib/outputs/validate/openapi-schema';
import { INDEX_FILE, type PrecompiledIndex } from '../lib/outputs/validate/precompiled-validators';
import { celPlanOf, rulesOfPlan } from '../lib/outputs/validate/cel-plan';
import { unreadableRules } from '../lib/outputs/validate/cel-check';

export function compileValidators(crdDir: string, outDir: string): PrecompiledIndex {
  const catalog = new CrdCatalog([crdDir]);
  const kinds: Record<string, string> = {};
  const served: Record<string, string[]> = {};
  const cel: Record<string, string> = {};
  const unreadable: string[] = [];
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
    const plan = celPlanOf(k.group, k.version, k.kind, k.schema);
    if (plan) {
      const celFile = file.replace(/\.js$/, '.cel.json');
      fs.writeFileSync(path.join(outDir, celFile), `${JSON.stringify(plan)}\n`);
      written.add(celFile);
      cel[key] = celFile;
      // Every rule must parse: a rule the evaluator cannot read would otherwise fail objects at synth.
      for (const u of unreadableRules(rulesOfPlan(plan.root))) unreadable.push(`${key}: ${JSON.stringify(u.rule)}: ${u.error}`);
    }
    (served[`${k.group}|${k.kind}`] ??= []).push(k.version);
  }
  for (const f of fs.readdirSync(outDir)) if (!written.has(f)) fs.rmSync(path.join(outDir, f), { recursive: true });
  const crds = Object.fromEntries(
    catalog.files.map((f) => {
      const stat = fs.statSync(f);
      return [path.basename(f), { size: stat.size, mtimeMs: stat.mtimeMs }];
    }),
  );
  if (unreadable.length) throw new Error(`CEL rules the evaluator cannot parse:\n${unreadable.join('\n')}`);
  const index: PrecompiledIndex = { crds, kinds, served, cel };
  fs.writeFileSync(path.join(outDir, INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`);
  return index;
}

if (require.main === module) {
  const [crdDir, outDir] = process.argv.slice(2);
  const index = compileValidators(crdDir, outDir);
  console.log(
    `compiled ${Object.keys(index.kinds).length} validators (${Object.keys(index.cel).length} with CEL rules) from ${crdDir} into ${outDir}`,
  );
}
