/** hcap's stacks (stacks/Pulumi.hcap-*.yaml) as test input, with overrides. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import type { RenderedStack } from '../../lib/outputs/render-stack';
import { ROOT } from '../helpers';

type Config = Record<string, any>;

/** The `config:` mapping of a committed stack file. */
export function stackConfig(stack: 'hcap-dev' | 'hcap-prod'): Config {
  return (parse(fs.readFileSync(path.join(ROOT, 'stacks', `Pulumi.${stack}.yaml`), 'utf8')) as { config: Config }).config;
}

/** hcap-prod with the database entry (and its backup block) overridden. */
export function hcap(db: Config = {}, backup: Config = {}, stack: 'hcap-dev' | 'hcap-prod' = 'hcap-prod'): Config {
  const config = stackConfig(stack);
  const base = config['pgfleet:databases'][0];
  return { ...config, 'pgfleet:databases': [{ ...base, ...db, backup: { ...base.backup, ...backup } }] };
}

/** hcap-prod plus a generation restored from hcap-patroni; hcap-patroni keeps serving. */
export function restored(restoreFrom: Config = {}, db: Config = {}, backup: Config = {}): Config {
  return hcap(
    {
      generations: [{ name: 'hcap-patroni' }, { name: 'hcap-patroni-r1', restoreFrom: { generation: 'hcap-patroni', ...restoreFrom } }],
      serving: 'hcap-patroni',
      ...db,
    },
    backup,
  );
}

export { issuesOf } from '../helpers';

/** The container of a Job's, CronJob's or StatefulSet's pod template. */
export function containerOf(manifest: Record<string, any>): Record<string, any> {
  const spec = manifest.kind === 'CronJob' ? manifest.spec.jobTemplate.spec.template.spec : manifest.spec.template.spec;
  return spec.containers[0];
}

/** A container's literal env values by name. */
export function envOf(manifest: Record<string, any>): Record<string, string> {
  return Object.fromEntries(
    containerOf(manifest)
      .env.filter((e: any) => e.value !== undefined)
      .map((e: any) => [e.name, e.value]),
  );
}

/** A container's env entry. */
export function envVar(manifest: Record<string, any>, name: string): Record<string, any> | undefined {
  return containerOf(manifest).env.find((e: any) => e.name === name);
}

/** Files of a rendered stack that belong to `generation` (its label or data-bearing mark). */
export function generationFiles(r: RenderedStack, generation: string): string[] {
  return r.objects
    .filter((o) => o.dataBearing === generation || o.manifest.metadata.labels?.['pgfleet.io/generation'] === generation)
    .map((o) => o.file)
    .sort();
}
