import { Construct } from 'constructs';

export interface HelmReleaseProps {
  /** Release name. */
  readonly name: string;
  readonly namespace: string;
  /** Chart name, e.g. `patroni`. */
  readonly chart: string;
  /** Chart version, pinned. */
  readonly version: string;
  /** Chart repository URL. */
  readonly repository: string;
  /** Values, already validated against pgfleet's schema of the chart's values. */
  readonly values: Record<string, unknown>;
}

/**
 * A Helm release pgfleet does not render itself: synth writes its values to
 * `dist/<stack>/helmrelease-<name>.values.yaml` for review, and the Pulumi program installs the
 * chart with exactly those values.
 */
export class HelmRelease extends Construct {
  public static isHelmRelease(x: unknown): x is HelmRelease {
    return x instanceof HelmRelease;
  }

  public readonly props: HelmReleaseProps;

  constructor(scope: Construct, id: string, props: HelmReleaseProps) {
    super(scope, id);
    this.props = props;
  }
}
