import { Construct } from 'constructs';
import type { SpiloDatabaseSpec } from './spilo-schema';
import { spiloBackupLocation, spiloWalPrefix } from './spilo-model';
import type { ResolvedGeneration } from '../../model/resolved';
import { spiloConfiguration } from './spilo-recovery';
import { DataBearing } from '../../constructs/data-bearing';
import { HelmRelease } from '../../constructs/helm-release';
import { PATRONI_CHART } from './spilo-chart';
import { patroniValuesProblems, type PatroniChartValues } from './spilo-chart-values';
import { spiloCloneEnv } from './spilo-clone';
import { SPILO_POST_RENDER } from './spilo-post-render';
import { SpiloNetworkPolicy } from './spilo-network-policy';

export interface SpiloReleaseProps {
  readonly spec: SpiloDatabaseSpec;
  readonly namespace: string;
  readonly generation: ResolvedGeneration;
  /**
   * The generation it clones from (restore or upgrade).
   * @default - none: the generation starts with initdb
   */
  readonly source?: ResolvedGeneration;
}

/**
 * One Spilo generation: a release of the Patroni chart whose name, `fullnameOverride` and
 * therefore Spilo `SCOPE` are the generation name, so a restore or upgrade is a new scope with
 * its own StatefulSet, PVCs (`storage-volume-<scope>-N`), DCS ConfigMaps and WAL-G prefix, next
 * to the live one; plus the NetworkPolicy of its pods. The release is installed with pgfleet's
 * post-renderer (spilo-post-render.ts), so the chart's liveness probe cannot kill a long bootstrap.
 *
 * `PGVERSION` is always set: for a restore it is the source's major (resolve refuses another),
 * so Spilo never pg_upgrades silently; for an upgrade it is the new major and Spilo pg_upgrades
 * the clone before it starts archiving to its own, fresh prefix.
 */
export class SpiloRelease extends Construct {
  /** Release name = Patroni scope = generation name. */
  public readonly scope: string;
  /** WAL-G prefix this generation archives to. */
  public readonly walPrefix: string;
  public readonly values: PatroniChartValues;
  public readonly release: HelmRelease;

  constructor(scope: Construct, id: string, props: SpiloReleaseProps) {
    super(scope, id);
    const { spec, generation: gen, namespace } = props;
    this.scope = gen.name;
    this.walPrefix = spiloWalPrefix(spec, gen);
    this.values = SpiloRelease.valuesOf(props);

    const problems = patroniValuesProblems(this.values);
    if (problems.length) throw new Error(`values of release ${gen.name} break the patroni chart schema:\n  ${problems.join('\n  ')}`);

    this.release = new HelmRelease(this, 'Resource', {
      name: gen.name,
      namespace,
      chart: PATRONI_CHART,
      version: spec.chart.version,
      repository: spec.chart.repository,
      values: this.values as Record<string, unknown>,
      // The chart's liveness probe would restart every clone and pg_upgrade mid-way.
      postRender: SPILO_POST_RENDER,
    });
    // The release owns the StatefulSet and its PVCs: Pulumi protects it and retains it on delete.
    DataBearing.mark(this.release, gen.name);

    new SpiloNetworkPolicy(this, 'NetworkPolicy', { scope: gen.name, namespace, allowFrom: spec.allowFrom });
  }

  /** The chart values of a generation; keys the chart defaults sensibly are left to it. */
  private static valuesOf(props: SpiloReleaseProps): PatroniChartValues {
    const { spec, generation: gen, source } = props;
    const backup = spec.backup!;
    const b = gen.bootstrap;
    const clone = source ? spiloCloneEnv({ scope: source.name, walPrefix: spiloWalPrefix(spec, source) }, b.target?.time) : {};
    const env: Record<string, string> = { ...spec.env, ...clone, PGVERSION: String(gen.postgresVersion), ...spiloConfiguration(backup) };
    const resources = spec.resources
      ? Object.fromEntries(
          Object.entries(spec.resources)
            .filter(([, v]) => v && Object.keys(v).length)
            .map(([k, v]) => [k, { ...v }]),
        )
      : {};
    return {
      // Both overrides: fullname names everything; name feeds the anti-affinity template's `app`
      // label, which otherwise says "patroni" and matches none of the pods (labelled with fullname).
      fullnameOverride: gen.name,
      nameOverride: gen.name,
      replicaCount: spec.replicas,
      image: { repository: spec.image.repository, tag: spec.image.tag, pullPolicy: spec.image.pullPolicy },
      credentials: { random: true },
      kubernetes: { dcs: { enable: true }, configmaps: { enable: spec.dcs.configMaps } },
      walE: {
        enable: true,
        gcsBucket: backup.bucket!,
        gcsBucketBackupLocation: spiloBackupLocation(spec, gen),
        kubernetesSecret: backup.serviceAccountKeySecret!,
        scheduleCronJob: backup.schedule,
        retainBackups: backup.retain,
      },
      persistentVolume: {
        enabled: true,
        size: spec.storage.size,
        ...(spec.storage.storageClass ? { storageClass: spec.storage.storageClass } : {}),
      },
      ...(Object.keys(resources).length ? { resources } : {}),
      env: Object.fromEntries(Object.entries(env).sort(([a], [z]) => a.localeCompare(z))),
    };
  }
}
