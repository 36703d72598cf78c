/**
 * The restricted pod and container security both engines render (lib/constructs/pod-security.ts),
 * and the kubectl Job they share (lib/constructs/scale-job.ts).
 */
import { containerSecurityContext, NOBODY, podSecurityContext } from '../../lib/constructs/pod-security';
import type { RenderedStack } from '../../lib/outputs/render-stack';
import { find, render } from '../helpers';
import { hcap } from '../engines/patroni-stack';
import { dumpToS3, pydis } from '../engines/standalone-stack';

/** `Kind/name container` of every container of every pod template, with its pod spec. */
function containers(r: RenderedStack): { where: string; pod: Record<string, any>; container: Record<string, any> }[] {
  return r.objects.flatMap((o) => {
    const m = o.manifest;
    const pod =
      m.kind === 'CronJob'
        ? m.spec.jobTemplate.spec.template.spec
        : ['Job', 'StatefulSet'].includes(m.kind)
          ? m.spec.template.spec
          : undefined;
    if (!pod) return [];
    return [...(pod.initContainers ?? []), ...pod.containers].map((c: any) => ({
      where: `${m.kind}/${m.metadata.name} ${c.name}`,
      pod,
      container: c,
    }));
  });
}

const inPlace = (platform: 'kubernetes' | 'openshift') =>
  hcap({
    platform,
    inPlaceRestore: { generation: 'hcap-patroni', id: '20261121', targetTime: '2026-11-20T09:30:00Z' },
    acknowledge: ['destroys-data:hcap-patroni'],
  });

describe('pod security', () => {
  test('a pod runs as a named non-root user with the default seccomp profile', () => {
    expect(podSecurityContext({ user: { uid: 26, gid: 26 } })).toEqual({
      runAsNonRoot: true,
      runAsUser: 26,
      runAsGroup: 26,
      fsGroup: 26,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(podSecurityContext({ user: NOBODY, fsGroupChangePolicy: 'OnRootMismatch' })).toMatchObject({
      runAsUser: 65534,
      fsGroup: 65534,
      fsGroupChangePolicy: 'OnRootMismatch',
    });
  });

  test('without pinned ids (OpenShift) it still refuses root and names no uid, gid or fsGroup policy', () => {
    expect(podSecurityContext({ user: NOBODY, pinIds: false, fsGroupChangePolicy: 'OnRootMismatch' })).toEqual({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('a container escalates nothing, drops every capability and has a read-only root unless told otherwise', () => {
    expect(containerSecurityContext()).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
    });
    expect(containerSecurityContext({ readOnlyRootFilesystem: false, runAsNonRoot: true })).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: false,
      runAsNonRoot: true,
    });
  });

  describe.each([
    ['patroni on Kubernetes, restoring in place', () => render(inPlace('kubernetes'))],
    ['patroni on OpenShift, restoring in place', () => render(inPlace('openshift'))],
    ['standalone, upgrading (pydis-staging)', () => render(pydis('staging'), { stack: 'pydis-staging' })],
    ['standalone, blackbox (pydis-prod)', () => render(pydis('prod'), { stack: 'pydis-prod' })],
    ['standalone, dumps to S3', () => render(pydis('prod', { backup: dumpToS3 }))],
  ])('every pod of %s', (_name, rendered) => {
    const all = containers(rendered());

    test('is non-root with the default seccomp profile', () => {
      expect(all.length).toBeGreaterThan(0);
      for (const { where, pod } of all) {
        expect([where, pod.securityContext]).toEqual([
          where,
          expect.objectContaining({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }),
        ]);
        if (pod.securityContext.runAsUser !== undefined) expect([where, pod.securityContext.runAsUser]).not.toEqual([where, 0]);
      }
    });

    test('drops every capability, escalates nothing and keeps its root read-only where the image allows', () => {
      // The Patroni entrypoint writes patroni.yml and /etc/passwd; the verification server writes its configuration and socket.
      const writableRoot = new Set(['StatefulSet/hcap-patroni postgresql', 'CronJob/hcap-patroni-backup-verify verify']);
      for (const { where, container } of all) {
        expect([where, container.securityContext]).toEqual([
          where,
          expect.objectContaining({
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            readOnlyRootFilesystem: !writableRoot.has(where),
          }),
        ]);
      }
    });
  });

  test("both engines' kubectl Jobs are the same shared Job: only their steps, names, resources and how kubectl is started differ", () => {
    const without = (o: Record<string, any>, keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
    const shape = (job: Record<string, any>) => {
      const pod = job.spec.template.spec;
      return {
        pod: without(pod, ['containers', 'initContainers', 'securityContext', 'serviceAccountName']),
        container: without(pod.containers[0], ['name', 'args', 'command', 'image', 'resources']),
        podSecurity: Object.keys(pod.securityContext).sort(),
        backoffLimit: job.spec.backoffLimit,
      };
    };
    const patroni = find(render(inPlace('kubernetes')), 'Job', 'hcap-patroni-scale-down-20261121');
    const standalone = find(render(pydis('staging'), { stack: 'pydis-staging' }), 'Job', 'postgres-17-writers-down');
    expect(shape(patroni)).toEqual(shape(standalone));
    expect(shape(standalone).pod).toMatchObject({ automountServiceAccountToken: true, enableServiceLinks: false, restartPolicy: 'Never' });
    expect(patroni.spec.template.spec.securityContext.runAsUser).toBe(NOBODY.uid);
  });
});
