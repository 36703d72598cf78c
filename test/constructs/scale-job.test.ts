/**
 * The kubectl Job both engines render (lib/constructs/scale-job.ts), on its own.
 */
import { Testing } from 'cdk8s';
import { ScaleJob, type ScaleJobProps } from '../../lib/constructs/scale-job';

function synth(props: Partial<ScaleJobProps> = {}): Record<string, any> {
  const chart = Testing.chart();
  new ScaleJob(chart, 'Scale', {
    name: 'api-down',
    namespace: 'db',
    labels: { step: 'down' },
    podLabels: { step: 'down' },
    serviceAccountName: 'api-scaler',
    image: 'registry.k8s.io/kubectl:v1.32.4',
    steps: [
      { name: 'scale', args: ['scale', 'deployment/api', '--replicas=0'] },
      { name: 'rollout', args: ['rollout', 'status', 'deployment/api'] },
    ],
    ...props,
  });
  const [job] = Testing.synth(chart);
  return job;
}

describe('ScaleJob', () => {
  test('runs the steps in order: all but the last as init containers, kubectl as the entrypoint', () => {
    const pod = synth().spec.template.spec;
    expect(pod.initContainers.map((c: any) => [c.name, c.args, c.command])).toEqual([
      ['scale', ['scale', 'deployment/api', '--replicas=0'], undefined],
    ]);
    expect(pod.containers.map((c: any) => [c.name, c.args])).toEqual([['rollout', ['rollout', 'status', 'deployment/api']]]);
    expect(pod.serviceAccountName).toBe('api-scaler');
    expect(pod.automountServiceAccountToken).toBe(true);
  });

  test('with invocation command, kubectl and its arguments are the command', () => {
    const c = synth({ steps: [{ name: 'scale', args: ['scale', 'deployment/api'] }], invocation: 'command' }).spec.template.spec
      .containers[0];
    expect([c.command, c.args]).toEqual([['kubectl', 'scale', 'deployment/api'], undefined]);
  });

  test('defaults: nobody with pinned ids, kubectl-sized requests, no deadline; each can be set', () => {
    const job = synth();
    expect(job.spec.activeDeadlineSeconds).toBeUndefined();
    expect(job.spec.template.spec.securityContext).toMatchObject({ runAsUser: 65534, fsGroupChangePolicy: 'OnRootMismatch' });
    expect(job.spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '10m', memory: '32Mi' },
      limits: { memory: '128Mi' },
    });
    const set = synth({ pinIds: false, activeDeadlineSeconds: 600, resources: { requests: {} } });
    expect(set.spec.activeDeadlineSeconds).toBe(600);
    expect(set.spec.template.spec.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('fails without a step', () => {
    expect(() => synth({ steps: [] })).toThrow('ScaleJob api-down: at least one step');
  });
});
