import { ApiObject, App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { engineNamed } from '../config/stack-schema';
import type { Engine } from '../engines/engine';
import type { ResolvedDatabase } from '../model/resolved';
import type { ResolvedStack } from '../model/resolved-stack';
import { ConsumerSecrets } from '../constructs/consumer-secrets';
import { DataBearing } from '../constructs/data-bearing';
import { ImportNetworkPolicy } from '../constructs/import-network-policy';

/**
 * Builds the construct tree of one stack: a Chart per database holding its engine's objects and
 * its consumer wiring. The cdk8s synth and the Pulumi program both call this: one renderer.
 * (Named `buildApp`: the cdk8s App is the tree of one stack.)
 */
export function buildApp(stack: ResolvedStack<Engine>, app: App = new App({ outdir: '.unused' })): App {
  for (const db of stack.databases) new DatabaseChart(app, db.name, { stack, database: db });
  return app;
}

interface DatabaseChartProps {
  readonly stack: ResolvedStack<Engine>;
  readonly database: ResolvedDatabase;
}

/** All objects of one database, labelled with the database and environment. */
export class DatabaseChart extends Chart {
  public readonly database: ResolvedDatabase;

  constructor(scope: Construct, id: string, props: DatabaseChartProps) {
    const { spec } = props.stack;
    super(scope, id, {
      namespace: props.database.namespace,
      disableResourceNameHashes: true,
      labels: {
        ...spec.labels,
        'app.kubernetes.io/managed-by': 'pgfleet',
        'pgfleet.io/database': props.database.name,
        'pgfleet.io/environment': spec.environment,
      },
    });
    this.database = props.database;
    const db = props.database;
    // One engine construct per engine the database's live generations run on (engine migration).
    const engines = db.views.map((view) => {
      const engine = engineNamed(props.stack.engines, view.engine);
      const id = view.engine === db.engine ? 'Engine' : `Engine-${view.engine}`;
      return { view, engine, construct: new engine.construct(this, id, { database: view, stack: spec }) };
    });
    for (const { view, engine, construct } of engines) {
      for (const gen of view.generations) {
        const m = gen.bootstrap.migration;
        if (!m) continue;
        const dataOf = () => construct.node.findAll().filter((c) => c instanceof ApiObject && DataBearing.generationOf(c) === gen.name);
        // The copy into an engine that leaves it to pgfleet (a dump Job) runs once the new generation's objects exist.
        const copy = engine.renderMigration?.(construct, view, gen);
        if (copy) for (const c of copy.node.findAll()) if (c instanceof ApiObject) c.node.addDependency(...dataOf());
        if (!m.endpoint.serverPods) continue;
        const policy = new ImportNetworkPolicy(this, `Import-${gen.name}`, {
          generation: gen.name,
          source: m.source,
          namespace: db.namespace,
          sourcePods: m.endpoint.serverPods,
          importerPods: engine.importerPods?.(view, gen) ?? {},
          port: m.endpoint.port,
        });
        // The copy starts when the new generation's data-bearing objects are created: admit it first.
        for (const c of dataOf()) c.node.addDependency(policy);
      }
    }
    if (db.spec.consumers.length) {
      const users = [...new Set(db.spec.consumers.map((c) => c.user))];
      const servingOn = engines.find((e) => e.view.generations.includes(db.serving)) ?? engines[0];
      new ConsumerSecrets(this, 'Consumers', {
        name: db.name,
        namespace: db.namespace,
        readableSecrets: [
          ...new Set(engines.flatMap((e) => e.view.generations.flatMap((g) => users.map((u) => e.construct.connection(g, u).secretName)))),
        ],
        consumers: db.spec.consumers.map((c) => ({ ...c, connection: servingOn.construct.connection(db.serving, c.user) })),
      });
    }
  }
}
