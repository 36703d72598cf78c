import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { DumpJobCommon } from './dump-location';
import { DUMP_SCRIPT } from './dump-scripts';
import { STEP_LABEL } from './standalone-names';
import { clientLabels, libpqEnv } from './pod-defaults';
import { toolPod } from './tool-pod';

export interface DumpJobProps extends DumpJobCommon {
  /** Generation dumped. */
  readonly source: string;
  /** File name written in the location's dir. */
  readonly file: string;
}

/** `pg_dumpall | gzip` of one server plus its sha512 (DUMP_SCRIPT), once. */
export class DumpJob extends Construct {
  public readonly job: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: DumpJobProps) {
    super(scope, id);
    const loc = props.location;
    this.job = new k8s.KubeJob(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { [STEP_LABEL]: 'dump' },
        annotations: { 'pgfleet.io/dump': `${loc.dir}/${props.file}` },
      },
      spec: {
        // A failed dump is simply taken again: the files are replaced, the checksum written last.
        backoffLimit: 2,
        template: toolPod({
          labels: clientLabels(props.database, 'dump'),
          uid: props.spec.image.runAsUser,
          main: {
            name: 'dump',
            image: props.image,
            shell: 'bash',
            script: DUMP_SCRIPT,
            env: [
              ...libpqEnv(props.spec, props.database, props.source),
              { name: 'DUMP_DIR', value: loc.dir },
              { name: 'DUMP_FILE', value: props.file },
            ],
            mounts: [{ name: loc.volume.name, mountPath: loc.mountPath }],
          },
          volumes: [loc.volume],
        }),
      },
    });
  }
}
