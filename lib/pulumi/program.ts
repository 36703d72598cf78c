/**
 * Registers a rendered stack with Pulumi: one `DatabaseComponent` per database holding every
 * synthesized object exactly as it is written to `dist/`, and every Helm release with the values
 * written beside them. Same construct tree as `pgfleet synth`.
 */
import * as pulumi from '@pulumi/pulumi';
import { Chart } from 'cdk8s';
import { databaseRecovery } from '../model/recovery-report';
import { DatabaseChart } from '../outputs/database-chart';
import type { RenderedObject, RenderedStack } from '../outputs/render-stack';
import { DatabaseComponent, type DatabaseOutputs } from './database-component';

export { awaitOptions, dataOptions, resourceName } from './database-component';

export interface DeployedStack {
  /** One component per database, in stack order. */
  readonly databases: readonly DatabaseComponent[];
  /** Every resource, by file name under `dist/<stack>/`. */
  readonly resources: ReadonlyMap<string, pulumi.Resource>;
  /** What the stack exports about its databases, by database name. */
  readonly outputs: pulumi.Output<Record<string, DatabaseOutputs>>;
}

/** Objects in an order where each comes after the objects it depends on (a render never has a cycle). */
function dependencyOrder(objects: readonly RenderedObject[]): RenderedObject[] {
  const pending = [...objects];
  const done = new Set<string>();
  const out: RenderedObject[] = [];
  while (pending.length) {
    const i = pending.findIndex((o) => o.dependsOn.every((d) => done.has(d) || !objects.some((x) => x.file === d)));
    if (i < 0) throw new Error(`dependency cycle among ${pending.map((o) => o.file).join(', ')}`);
    const [o] = pending.splice(i, 1);
    done.add(o.file);
    out.push(o);
  }
  return out;
}

export function deployStack(rendered: RenderedStack, opts: pulumi.ComponentResourceOptions = {}): DeployedStack {
  const ordered = dependencyOrder(rendered.objects);
  const resources = new Map<string, pulumi.Resource>();
  const databases = rendered.resolved.databases.map((db) => {
    const component = new DatabaseComponent(
      `${db.namespace}/${db.name}`,
      {
        database: db,
        objects: ordered.filter((o) => o.database === db.name),
        releases: rendered.helmReleases.filter((h) => (Chart.of(h) as DatabaseChart).database.name === db.name),
        state: rendered.state.databases[db.name],
        recovery: databaseRecovery(rendered.resolved.spec.stack, db, rendered.resolved.engines),
        created: resources,
      },
      opts,
    );
    for (const [f, r] of component.resources) resources.set(f, r);
    return component;
  });
  const outputs = pulumi
    .all(databases.map((d) => d.outputs))
    .apply((all) => Object.fromEntries(all.map((o, i) => [rendered.resolved.databases[i].name, o])));
  return { databases, resources, outputs };
}
