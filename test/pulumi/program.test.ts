import * as path from 'node:path';
import { installMocks, recorder, registered, unwrap } from './mocks';
import { loadStackFile } from '../../lib/config/load-stack';
import { renderStack } from '../../lib/outputs/render-stack';
import { ROOT } from '../helpers';

// GIVEN the Pulumi runtime mocked, WHEN the program deploys the Indigo prod stack,
// THEN every object in dist/indigo-prod is registered, data-bearing ones protected.
describe('Pulumi program (runtime mocks)', () => {
  let rendered: ReturnType<typeof renderStack>;

  beforeAll(async () => {
    await installMocks('indigo-prod');
    const { deployStack } = await import('../../lib/pulumi/program');
    rendered = renderStack(loadStackFile(path.join(ROOT, 'stacks/Pulumi.indigo-prod.yaml')));
    const deployed = deployStack(rendered, { transformations: [recorder] });
    await Promise.all([...deployed.objects.values()].map((g) => unwrap(g.resources)));
  });

  const customs = () => registered.filter((r) => !r.type.startsWith('kubernetes:yaml:'));

  test('registers each synthesized object once, with the synthesized spec', () => {
    const kinds = customs().map((r) => `${r.type} ${r.name}`).sort();
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

  test('names groups after namespace and file, so renames are visible', () => {
    const groups = registered.filter((r) => r.type === 'kubernetes:yaml:ConfigGroup').map((r) => r.name);
    expect(groups).toContain('forgejo/cluster-forgejo-db');
    expect(groups).toContain('forgejo/externalsecret-forgejo-database-url');
  });
});
