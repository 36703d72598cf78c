import * as path from 'node:path';
import { installMocks, recorder, registered, unwrap } from './mocks';
import { renderStack } from '../../lib/outputs/render-stack';
import { loadStack, ROOT } from '../helpers';

// GIVEN the Pulumi runtime mocked, WHEN the program deploys the Indigo prod stack,
// THEN every object in dist/indigo-prod is registered, data-bearing ones protected.
describe('Pulumi program (runtime mocks)', () => {
  let rendered: ReturnType<typeof renderStack>;

  beforeAll(async () => {
    await installMocks('indigo-prod');
    const { deployStack } = await import('../../lib/pulumi/program');
    rendered = renderStack(loadStack(path.join(ROOT, 'stacks/Pulumi.indigo-prod.yaml')));
    const deployed = deployStack(rendered, { transformations: [recorder] });
    await Promise.all([...deployed.resources.values()].map((r) => unwrap(r.urn)));
  });

  const customs = () => registered.filter((r) => r.type.startsWith('kubernetes:'));

  test('registers each synthesized object once, with the synthesized spec', () => {
    const kinds = customs()
      .map((r) => `${r.type} ${r.name}`)
      .sort();
    expect(kinds).toEqual(
      rendered.objects
        .map((o) => {
          const [group, version] = o.manifest.apiVersion.includes('/') ? o.manifest.apiVersion.split('/') : ['core', o.manifest.apiVersion];
          return `kubernetes:${group}/${version}:${o.manifest.kind} ${o.manifest.metadata.namespace}/${o.manifest.metadata.name}`;
        })
        .sort(),
    );
    const cluster = customs().find((r) => r.type === 'kubernetes:postgresql.cnpg.io/v1:Cluster')!;
    expect(cluster.inputs.spec.plugins[0].parameters.serverName).toBe('forgejo-db-pg18');
    expect(cluster.inputs.spec.storage).toEqual({ size: '50Gi', storageClass: 'cluster-nobackup' });
  });

  test('protects the serving cluster and retains it on delete; other objects are unprotected', () => {
    const cluster = customs().find((r) => r.type === 'kubernetes:postgresql.cnpg.io/v1:Cluster')!;
    expect(cluster).toMatchObject({ protect: true, retainOnDelete: true });
    const store = customs().find((r) => r.type === 'kubernetes:barmancloud.cnpg.io/v1:ObjectStore')!;
    expect(store.protect).toBeFalsy();
    expect(store.retainOnDelete).toBeFalsy();
  });

  test('holds each database in a component of its own, named after namespace and database', () => {
    const components = registered.filter((r) => r.type === 'pgfleet:index:Database').map((r) => r.name);
    expect(components).toEqual(['forgejo/forgejo']);
    expect(customs().every((r) => !r.type.startsWith('kubernetes:yaml:'))).toBe(true);
  });
});

// GIVEN a standalone upgrade in progress (ordered Jobs), WHEN deployed, THEN each object waits for
// the objects it depends on, and Jobs get a timeout from their own deadline.
describe('Pulumi program: ordering of an upgrade', () => {
  let rendered: ReturnType<typeof renderStack>;
  let resourceName: (o: { manifest: Record<string, any>; file: string }) => string;
  const start = () => registered.length;
  let from = 0;

  beforeAll(async () => {
    from = start();
    const { deployStack } = await import('../../lib/pulumi/program');
    ({ resourceName } = await import('../../lib/pulumi/program'));
    rendered = renderStack(loadStack(path.join(ROOT, 'stacks/Pulumi.pydis-staging.yaml')));
    const deployed = deployStack(rendered, { transformations: [recorder] });
    await Promise.all([...deployed.resources.values()].map((r) => unwrap(r.urn)));
  });

  const nameOf = (file: string) => resourceName(rendered.objects.find((o) => o.file === file)!);
  const typeOf = (file: string) => {
    const m = rendered.objects.find((o) => o.file === file)!.manifest;
    return `kubernetes:${m.apiVersion === 'v1' ? 'core/v1' : m.apiVersion}:${m.kind}`;
  };
  const group = (file: string) => registered.slice(from).find((r) => r.type === typeOf(file) && r.name === nameOf(file))!;

  test('dependencies become dependsOn between resources, in the rendered order', () => {
    const ordered = rendered.objects.filter((o) => o.dependsOn.length);
    expect(ordered.length).toBeGreaterThan(0);
    for (const o of ordered) {
      expect(group(o.file).dependsOn.sort()).toEqual(o.dependsOn.map(nameOf).sort());
    }
    // The import runs after the dump, which runs after the writers are down.
    expect(group('job-postgres-17-import.yaml').dependsOn).toContain('databases/postgres-17-dump');
    expect(group('job-postgres-17-dump.yaml').dependsOn).toContain('databases/postgres-17-writers-down');
  });

  test('Jobs wait for their own deadline plus ten minutes, or six hours', async () => {
    const { awaitOptions } = await import('../../lib/pulumi/program');
    expect(awaitOptions({ kind: 'Job', spec: { activeDeadlineSeconds: 1600 } })).toEqual({
      customTimeouts: { create: '2200s', update: '2200s' },
    });
    const job = rendered.objects.find((o) => o.file === 'job-postgres-17-import.yaml')!.manifest;
    expect(job.spec.activeDeadlineSeconds).toBeUndefined();
    expect(awaitOptions(job)).toEqual({ customTimeouts: { create: '21600s', update: '21600s' } });
    expect(awaitOptions({ kind: 'Service' })).toEqual({});
  });
});
