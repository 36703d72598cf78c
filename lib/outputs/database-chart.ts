import { App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { engineNamed } from '../config/stack-schema';
import type { Engine } from '../engines/engine';
import type { ResolvedDatabase } from '../model/resolved';
import type { ResolvedStack } from '../model/resolved-stack';
import { ConsumerSecrets } from '../constructs/consumer-secrets';

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
    const Construct = engineNamed(props.stack.engines, db.engine).construct;
    const engine = new Construct(this, 'Engine', { database: db, stack: spec });
    if (db.spec.consumers.length) {
      const users = [...new Set(db.spec.consumers.map((c) => c.user))];
      new ConsumerSecrets(this, 'Consumers', {
        name: db.name,
        namespace: db.namespace,
        readableSecrets: [...new Set(db.generations.flatMap((g) => users.map((u) => engine.connection(g, u).secretName)))],
        consumers: db.spec.consumers.map((c) => ({ ...c, connection: engine.connection(db.serving, c.user) })),
      });
    }
  }
}
