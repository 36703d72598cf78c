import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { DumpJobCommon } from './dump-location';
import { IMPORT_SCRIPT } from './dump-scripts';
import { STEP_LABEL } from './standalone-names';
import { clientLabels, libpqEnv } from './pod-defaults';
import { toolPod, type ToolContainer } from './tool-pod';

export interface ImportJobProps extends DumpJobCommon {
  /** Generation imported into (a new, empty server). */
  readonly target: string;
  /** `import` (upgrade) or `restore`. */
  readonly step: 'import' | 'restore';
  /** File name in the location's dir. @default - the newest dump with a checksum */
  readonly file?: string;
  /** Containers that bring the dump into the location first (a download). @default [] */
  readonly fetch?: readonly ToolContainer[];
  /** More volumes for `fetch`. @default [] */
  readonly volumes?: readonly k8s.Volume[];
  /**
   * What vouches for the dump (IMPORT_SCRIPT's DUMP_VERIFY): `sha512`, the checksum pgfleet's dump
   * recorded, or `gzip`, only the gzip CRC and length (blackbox's dumps). @default sha512
   */
  readonly verify?: 'sha512' | 'gzip';
  /** The `pgfleet.io/dump` annotation: which dump. @default - the file, or "newest with a .sha512" */
  readonly describeDump?: string;
}

/** DUMP_FILE when a file is named; without it the scripts take the newest dump. */
export function dumpFileEnv(file: string | undefined): k8s.EnvVar[] {
  return file === undefined ? [] : [{ name: 'DUMP_FILE', value: file }];
}

/**
 * Verifies a dump (its sha512, or for blackbox's dumps its gzip CRC) and imports it into a new
 * server (IMPORT_SCRIPT), once: no retries, since a failed import leaves a half-filled server that
 * must be looked at, not written again.
 */
export class ImportJob extends Construct {
  public readonly job: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: ImportJobProps) {
    super(scope, id);
    const loc = props.location;
    this.job = new k8s.KubeJob(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { [STEP_LABEL]: props.step },
        annotations: { 'pgfleet.io/dump': props.describeDump ?? `${loc.dir}/${props.file ?? '(newest *.sql.gz with a .sha512)'}` },
      },
      spec: {
        backoffLimit: 0,
        template: toolPod({
          labels: clientLabels(props.database, props.step),
          uid: props.spec.image.runAsUser,
          init: props.fetch,
          main: {
            name: props.step,
            image: props.image,
            shell: 'bash',
            script: IMPORT_SCRIPT,
            env: [
              ...libpqEnv(props.spec, props.database, props.target),
              { name: 'DUMP_DIR', value: loc.dir },
              ...dumpFileEnv(props.file),
              ...(props.verify === 'gzip' ? [{ name: 'DUMP_VERIFY', value: 'gzip' }] : []),
            ],
            mounts: [{ name: loc.volume.name, mountPath: loc.mountPath, ...(loc.readOnly ? { readOnly: true } : {}) }],
          },
          volumes: [loc.volume, ...(props.volumes ?? [])],
        }),
      },
    });
  }
}
