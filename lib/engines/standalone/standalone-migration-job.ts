import type { Construct } from 'constructs';
import type * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { StandaloneDatabaseSpec } from './standalone-schema';
import type { ResolvedGeneration } from '../../model/resolved';
import { MigrationDumpJob } from '../../constructs/migration-dump-job';
import { clientLabels, libpqEnv } from './pod-defaults';
import { serverImage } from './server-image';

/** Labels of the pod that copies another engine's generation into a standalone server. */
export function standaloneImporterPods(database: string, generation: string): Record<string, string> {
  return { ...clientLabels(database, 'migrate'), 'pgfleet.io/generation': generation };
}

/**
 * The Job that fills a standalone generation copied from another engine (engine migration): the
 * shared dump/restore Job in the new server's image, writing through the generation's headless
 * Service as the database's superuser. It runs once the new server is ready (Pulumi waits for the
 * StatefulSet); its pods carry the label the server's NetworkPolicy admits.
 */
export function standaloneMigrationJob(
  scope: Construct,
  props: { spec: StandaloneDatabaseSpec; database: string; namespace: string; generation: ResolvedGeneration },
): k8s.KubeJob {
  const { spec, database, generation: gen } = props;
  return new MigrationDumpJob(scope, `Migrate-${gen.name}`, {
    name: `${gen.name}-migrate`,
    namespace: props.namespace,
    migration: gen.bootstrap.migration!,
    image: serverImage(spec, gen.postgresVersion),
    user: { uid: spec.image.runAsUser, gid: spec.image.runAsUser },
    labels: standaloneImporterPods(database, gen.name),
    target: libpqEnv(spec, database, gen.name),
  }).job;
}
