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
  /**
   * A Helm post-renderer the release is installed with: what pgfleet changes in the chart's
   * rendered objects where the chart has no value for it.
   * @default - none
   */
  readonly postRender?: HelmPostRender;
}

/** A Helm post-renderer: an executable that reads the rendered chart on stdin and prints it changed. */
export interface HelmPostRender {
  /** The executable, relative to the project root (e.g. `bin/spilo-post-render.js`). */
  readonly command: string;
  /**
   * What it changes, in one line: written to the values file in `dist/` (reviewed) and used as the
   * Helm release's description, so a change to the post-render is a change of the release.
   */
  readonly description: string;
}

/**
 * A Helm release pgfleet does not render itself: synth writes its values to
 * `dist/<stack>/helmrelease-<name>.values.yaml` for review, and the Pulumi program installs the
 * chart with exactly those values (and the post-renderer, if any).
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
