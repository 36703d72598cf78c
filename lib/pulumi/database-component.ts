/**
 * One database as a Pulumi component (`pgfleet:index:Database`): every object pgfleet rendered for
 * it, each a resource of its own kind, with the options its data needs, and the facts a platform
 * team reads back as outputs.
 */
import * as path from 'node:path';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { DatabaseState } from '../config/stack-state';
import { projectRoot } from '../config/project-root';
import { DataBearing } from '../constructs/data-bearing';
import type { HelmRelease } from '../constructs/helm-release';
import type { ResolvedDatabase } from '../model/resolved';
import type { RecoveryRow } from '../model/recovery-report';
import type { RenderedObject } from '../outputs/render-stack';

export interface DatabaseComponentArgs {
  readonly database: ResolvedDatabase;
  /** The database's objects, in an order where each comes after what it depends on. */
  readonly objects: readonly RenderedObject[];
  readonly releases: readonly HelmRelease[];
  /** What the state records of the database (generations, archives). */
  readonly state: DatabaseState;
  /** Each live generation's recovery guarantee and drill, as `pgfleet report` prints them. @default [] */
  readonly recovery?: readonly RecoveryRow[];
  /** Resources created before the database's own (objects of other databases it depends on). @default {} */
  readonly created?: ReadonlyMap<string, pulumi.Resource>;
}

/**
 * Options of a data-bearing resource: never deleted from the cluster by Pulumi
 * (`retainOnDelete`), and protected while it serves consumers, so a stray change cannot delete or
 * replace it. Protection follows `serving`: after a cutover the old generation is unprotected,
 * and retiring it (a later change) only drops it from Pulumi's state. A database being
 * decommissioned protects none (`serving` undefined), so that its last generation can be retired.
 */
export function dataOptions(generation: string | undefined, serving: string | undefined): pulumi.CustomResourceOptions {
  if (generation === undefined) return {};
  return { retainOnDelete: true, protect: serving !== undefined && generation === serving };
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

/** Pulumi resource name of a rendered object: unique per stack and stable (`forgejo/forgejo-db`). */
export function resourceName(o: { readonly manifest: Record<string, any> }): string {
  return `${o.manifest.metadata.namespace ?? 'default'}/${o.manifest.metadata.name}`;
}

/**
 * A resource for any manifest. The provider knows a kind by its type token: `CustomResource`
 * builds `kubernetes:<group>/<version>:<Kind>`, right for every group but the core one, whose
 * token is `kubernetes:core/v1:<Kind>`; core kinds get their own class.
 */
function objectResource(name: string, manifest: Record<string, any>, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  const { apiVersion, kind, ...rest } = manifest;
  if (apiVersion === 'v1') {
    const Core = (
      k8s.core.v1 as unknown as Record<string, new (n: string, a: object, o: pulumi.CustomResourceOptions) => pulumi.CustomResource>
    )[kind];
    if (!Core) throw new Error(`no Pulumi class for core kind ${kind}`);
    return new Core(name, rest, opts);
  }
  return new k8s.apiextensions.CustomResource(name, { apiVersion, kind, ...rest }, opts);
}

/** The facts a database component exports. */
export interface DatabaseOutputs {
  /** The generation consumers use. */
  readonly serving: string;
  /** Every live generation: its major and how it started. */
  readonly generations: Readonly<Record<string, { readonly postgresVersion: number; readonly bootstrap: unknown }>>;
  /** Each consumer application's Secret (it holds the serving generation's connection URI). */
  readonly connectionSecrets: Readonly<Record<string, string>>;
  /** Where each generation writes its backups. */
  readonly archives: Readonly<Record<string, unknown>>;
  /**
   * Each live generation's recovery guarantee (RPO, window, their sources, what a restore uses)
   * and restore drill, by generation, as `pgfleet report --json` gives them.
   */
  readonly recovery: Readonly<Record<string, Omit<RecoveryRow, 'stack' | 'database' | 'engine' | 'namespace' | 'generation'>>>;
}

export class DatabaseComponent extends pulumi.ComponentResource {
  /** The generation consumers use. */
  public readonly serving: pulumi.Output<string>;
  /** Everything the component exports, for the stack outputs. */
  public readonly outputs: pulumi.Output<DatabaseOutputs>;
  /** The resources, by file name under `dist/<stack>/`. */
  public readonly resources: ReadonlyMap<string, pulumi.Resource>;

  constructor(name: string, args: DatabaseComponentArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('pgfleet:index:Database', name, {}, opts);
    const db = args.database;
    const serving = db.serving.name;
    const protectedGeneration = db.spec.decommission ? undefined : serving;
    const resources = new Map<string, pulumi.Resource>();
    const created = (file: string) => resources.get(file) ?? args.created?.get(file);
    for (const o of args.objects) {
      resources.set(
        o.file,
        objectResource(resourceName(o), o.manifest, {
          parent: this,
          dependsOn: o.dependsOn.map((d) => created(d)).filter((r): r is pulumi.Resource => r !== undefined),
          ...dataOptions(o.dataBearing, protectedGeneration),
          ...awaitOptions(o.manifest),
          // pgfleet < 0.2 registered each object inside a ConfigGroup named after its file.
          aliases: [
            {
              parent: pulumi.createUrn(
                `${o.manifest.metadata.namespace ?? 'default'}/${o.file.replace(/\.yaml$/, '')}`,
                'kubernetes:yaml:ConfigGroup',
              ),
            },
          ],
        }),
      );
    }
    for (const h of args.releases) {
      const p = h.props;
      resources.set(
        `helmrelease-${p.name}.values.yaml`,
        new k8s.helm.v3.Release(
          `${p.namespace}/${p.name}`,
          {
            name: p.name,
            namespace: p.namespace,
            chart: p.chart,
            version: p.version,
            repositoryOpts: { repo: p.repository },
            values: p.values,
            // Helm runs the post-renderer from the provider's working directory: give it the absolute path.
            ...(p.postRender ? { postrender: path.join(projectRoot(), p.postRender.command), description: p.postRender.description } : {}),
          },
          // pgfleet < 0.2 registered releases at the top of the stack.
          {
            parent: this,
            ...dataOptions(DataBearing.generationOf(h), protectedGeneration),
            aliases: [{ parent: pulumi.rootStackResource }],
          },
        ),
      );
    }
    this.resources = resources;
    const outputs: DatabaseOutputs = {
      serving,
      generations: Object.fromEntries(
        Object.entries(args.state.generations).map(([g, s]) => [g, { postgresVersion: s.postgresVersion, bootstrap: s.bootstrap }]),
      ),
      connectionSecrets: Object.fromEntries(db.spec.consumers.map((c) => [c.app, c.secretName])),
      archives: Object.fromEntries(
        Object.entries(args.state.generations).flatMap(([g, s]) => (s.archives.length ? [[g, s.archives]] : [])),
      ),
      recovery: Object.fromEntries(
        (args.recovery ?? []).map(({ stack: _s, database: _d, engine: _e, namespace: _n, generation, ...row }) => [generation, row]),
      ),
    };
    this.serving = pulumi.output(serving);
    this.outputs = pulumi.output(outputs) as unknown as pulumi.Output<DatabaseOutputs>;
    this.registerOutputs(outputs as unknown as pulumi.Inputs);
  }
}
