/**
 * The one pull-policy rule of every engine (lib/constructs/image-pull-policy.ts): moving tags are
 * pulled at every start, version tags and digests once.
 */
import { imagePullPolicy } from '../../lib/constructs/image-pull-policy';
import { find, render } from '../helpers';
import { containerOf, hcap } from '../engines/patroni-stack';
import { pydis } from '../engines/standalone-stack';

const DIGEST = `@sha256:${'a'.repeat(64)}`;

describe('image pull policy', () => {
  test.each([
    ['docker.io/library/postgres', 'no tag: Kubernetes reads it as latest'],
    ['localhost:5000/tools', 'no tag behind a registry port'],
    ['ghcr.io/example/tools:latest', 'latest'],
    ['ghcr.io/example/tools:LATEST', 'latest in any case'],
    ['ghcr.io/example/tools:16-latest', 'a tag rebuilt as the latest of a line'],
    ['image-registry.openshift-image-registry.svc:5000/bcgov/patroni-postgres:2.0.1-12.4-latest', "bcgov's Patroni tag"],
    ['docker.io/library/postgres:stable', 'a channel'],
    ['docker.io/lemonsaurus/blackbox:main', 'a branch'],
    ['docker.io/library/postgres:alpine', 'a variant without a version'],
  ])('%s is pulled Always (%s)', (image) => {
    expect(imagePullPolicy(image)).toBe('Always');
  });

  test.each([
    ['docker.io/rclone/rclone:1.68.2', 'a release'],
    ['registry.k8s.io/kubectl:v1.32.4', 'a release with a v'],
    ['docker.io/bcgovimages/backup-container:2.3.3', 'a release'],
    ['docker.io/library/postgres:16.4-bookworm', 'a minor on a base image'],
    ['docker.io/library/postgres:16', 'a bare major: moves across compatible minors only'],
    ['localhost:5000/tools:16', 'a tag behind a registry port'],
    [`docker.io/lemonsaurus/blackbox:main${DIGEST}`, 'a moving tag pinned by a digest'],
    [`ghcr.io/example/tools:latest${DIGEST}`, 'latest pinned by a digest'],
    [`docker.io/library/postgres${DIGEST}`, 'a digest without a tag'],
  ])('%s is pulled IfNotPresent (%s)', (image) => {
    expect(imagePullPolicy(image)).toBe('IfNotPresent');
  });

  test('both engines follow it: a moving tag is pulled Always in Patroni and standalone pods alike', () => {
    const patroni = render(
      hcap(
        { images: { '12': 'registry.example/patroni-postgres:stable' } },
        { image: 'registry.example/backup:main', imageVersion: '2.13.0' },
      ),
    );
    expect(containerOf(find(patroni, 'StatefulSet', 'hcap-patroni')).imagePullPolicy).toBe('Always');
    expect(containerOf(find(patroni, 'CronJob', 'hcap-patroni-backup-hcap')).imagePullPolicy).toBe('Always');

    const db = (pydis('staging')['pgfleet:databases'] as any[])[0];
    const standalone = render(pydis('staging', { upgrade: { ...db.upgrade, kubectlImage: 'registry.k8s.io/kubectl:stable' } }));
    const pod = find(standalone, 'Job', 'postgres-17-writers-down').spec.template.spec;
    expect(new Set([...pod.initContainers, ...pod.containers].map((c: any) => c.imagePullPolicy))).toEqual(new Set(['Always']));
  });
});
