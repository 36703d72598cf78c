import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { StandaloneDatabaseSpec } from './standalone-schema';
import type { ResolvedGeneration } from '../../model/resolved';
import { DumpJob } from './dump-job';
import { dumpClaimLocation } from './dump-location';
import { ImportJob } from './import-job';
import { jobName, upgradeDumpFile } from './standalone-names';
import { serverImage } from './server-image';
import type { StandaloneServer } from './standalone-server';
import { ScaleWritersJob } from './scale-writers-job';
import { WriterAccess } from './writer-access';

export interface StandaloneUpgradeProps {
  readonly spec: StandaloneDatabaseSpec;
  readonly database: string;
  readonly namespace: string;
  /** The new generation (its server is `server`). */
  readonly generation: ResolvedGeneration;
  /** The live generation read from. */
  readonly source: ResolvedGeneration;
  readonly server: StandaloneServer;
}

/**
 * A major upgrade as objects that run in order (each `addDependency`, which the Pulumi program
 * turns into dependsOn and which waits for a Job to complete):
 *
 * 1. `<gen>-writers-down`: the writers scaled to zero, their last pod gone;
 * 2. `<gen>-dump`: `pg_dumpall | gzip` of the source and its sha512, on the PVC `<gen>-dump`;
 * 3. the new server (StatefulSet `<gen>` on its own PVC), started empty;
 * 4. `<gen>-import`: checksum verified, dump imported with ON_ERROR_STOP, or the Job fails.
 *
 * The source server is not touched: no object of it changes, and it keeps its PVC until the
 * stack retires it. Cutover (`serving`) and scaling back are separate (see StandaloneDatabase).
 * The dump runs in the new major's image: a newer pg_dumpall reads an older server, never the reverse.
 */
export class StandaloneUpgrade extends Construct {
  public readonly importJob: k8s.KubeJob;
  /** Present when the database lists writers (an explicit `writers: []` has none to scale). */
  public readonly access?: WriterAccess;

  constructor(scope: Construct, id: string, props: StandaloneUpgradeProps) {
    super(scope, id);
    const { spec, namespace, generation: gen, source } = props;
    const writers = spec.writers ?? [];
    const image = serverImage(spec, gen.postgresVersion);

    let writersDown: k8s.KubeJob | undefined;
    if (writers.length) {
      this.access = new WriterAccess(this, 'WriterAccess', { name: `${gen.name}-scaler`, namespace, writers });
      writersDown = new ScaleWritersJob(this, 'WritersDown', {
        name: jobName.writersDown(gen.name),
        namespace,
        database: props.database,
        direction: 'down',
        writers,
        serviceAccountName: this.access.serviceAccountName,
        image: spec.upgrade.kubectlImage,
        timeout: spec.upgrade.timeout,
        manualSteps: spec.upgrade.manualSteps.beforeDump,
      }).job;
      writersDown.node.addDependency(this.access);
    }

    const { claim, location } = dumpClaimLocation(this, { spec, generation: gen.name, namespace });
    const file = upgradeDumpFile(source.name);

    const dump = new DumpJob(this, 'Dump', {
      name: jobName.dump(gen.name),
      namespace,
      database: props.database,
      spec,
      image,
      location,
      source: source.name,
      file,
    }).job;
    dump.node.addDependency(claim);
    if (writersDown) dump.node.addDependency(writersDown);

    // The new server starts only once the dump is complete; nothing can write to it before the import.
    props.server.statefulSet.node.addDependency(dump);

    this.importJob = new ImportJob(this, 'Import', {
      name: jobName.import(gen.name),
      namespace,
      database: props.database,
      spec,
      image,
      location,
      target: gen.name,
      step: 'import',
      file,
    }).job;
    this.importJob.node.addDependency(props.server.statefulSet, dump);
  }
}
