import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { DataBearing } from '../constructs/data-bearing';
import type { RenderedStack } from '../outputs/render-stack';

/**
 * Options of a data-bearing resource: never deleted from the cluster by Pulumi
 * (`retainOnDelete`), and protected while it serves consumers, so a stray change cannot delete or
 * replace it. Protection follows `serving`: after a cutover the old generation is unprotected,
 * and retiring it (a later change) only drops it from Pulumi's state.
 */
export function dataOptions(generation: string | undefined, serving: string): pulumi.CustomResourceOptions {
  if (generation === undefined) return {};
  return { retainOnDelete: true, protect: generation === serving };
}

/**
 * How long Pulumi waits for an object. Restore, dump and import Jobs may run for hours: wait
 * for their own deadline plus a margin, or six hours, instead of Pulumi's default of ten minutes.
 */
export function awaitOptions(manifest: Record<string, any>): pulumi.CustomResourceOptions {
  if (manifest.kind !== 'Job') return {};
  const deadline = manifest.spec?.activeDeadlineSeconds as number | undefined;
  const seconds = deadline === undefined ? 6 * 3600 : deadline + 600;
  return { customTimeouts: { create: `${seconds}s`, update: `${seconds}s` } };
}

/** Pulumi resource name of a rendered object: unique per stack and stable (`forgejo/cluster-forgejo-db`). */
export function resourceName(o: { manifest: Record<string, any>; file: string }): string {
  return `${o.manifest.metadata.namespace ?? 'default'}/${o.file.replace(/\.yaml$/, '')}`;
}

export interface DeployedStack {
  /** One group per rendered object, by file name. */
  readonly objects: ReadonlyMap<string, k8s.yaml.ConfigGroup>;
  readonly releases: readonly k8s.helm.v3.Release[];
}

/**
 * Registers a rendered stack with Pulumi: every synthesized object exactly as it is written to
 * `dist/` (one `ConfigGroup` per object, so ordering and options are per object) and every Helm
 * release with the values written beside them. Same construct tree as `pgfleet synth`.
 */
export function deployStack(rendered: RenderedStack, opts: pulumi.CustomResourceOptions = {}): DeployedStack {
  const serving = new Map(rendered.resolved.databases.map((d) => [d.name, d.serving.name]));
  const objects = new Map<string, k8s.yaml.ConfigGroup>();
  // Objects come in construct order, and dependencies are declared on earlier constructs.
  const pending = [...rendered.objects];
  while (pending.length) {
    const i = pending.findIndex((o) => o.dependsOn.every((d) => objects.has(d)));
    if (i < 0) throw new Error(`dependency cycle among ${pending.map((o) => o.file).join(', ')}`);
    const [o] = pending.splice(i, 1);
    const options = { ...dataOptions(o.dataBearing, serving.get(o.database)!), ...awaitOptions(o.manifest) };
    objects.set(
      o.file,
      new k8s.yaml.ConfigGroup(
        resourceName(o),
        {
          objs: [o.manifest],
          transformations: [
            (_obj: unknown, childOpts: pulumi.CustomResourceOptions) => {
              Object.assign(childOpts, options);
            },
          ],
        },
        { ...opts, dependsOn: o.dependsOn.map((d) => objects.get(d)!) },
      ),
    );
  }
  const releases = rendered.helmReleases.map((h) => {
    const p = h.props;
    const db = rendered.resolved.databases.find((d) => h.node.path.startsWith(`${d.name}/`));
    return new k8s.helm.v3.Release(
      `${p.namespace}/${p.name}`,
      {
        name: p.name,
        namespace: p.namespace,
        chart: p.chart,
        version: p.version,
        repositoryOpts: { repo: p.repository },
        values: p.values,
      },
      { ...opts, ...dataOptions(DataBearing.generationOf(h), db?.serving.name ?? '') },
    );
  });
  return { objects, releases };
}
