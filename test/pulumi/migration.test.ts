import * as path from 'node:path';
import { installMocks, recorder, registered, unwrap } from './mocks';
import { renderStack } from '../../lib/outputs/render-stack';
import { loadStack, ROOT } from '../helpers';

// GIVEN cas-ciip-dev moving from Spilo to CloudNativePG (the Spilo generation serving), WHEN the
// program deploys it, THEN the serving Spilo release stays protected, the new cluster is retained
// on delete but not protected, and it is created after the policy that admits its import.
describe('Pulumi program: an engine migration', () => {
  beforeAll(async () => {
    await installMocks('cas-ciip-dev');
    const { deployStack } = await import('../../lib/pulumi/program');
    const deployed = deployStack(renderStack(loadStack(path.join(ROOT, 'stacks/Pulumi.cas-ciip-dev.yaml'))), {
      transformations: [recorder],
    });
    await Promise.all([...deployed.resources.values()].map((r) => unwrap(r.urn)));
  });

  const byType = (type: string) => registered.filter((r) => r.type === type);

  test('protection follows serving across engines; both generations are retained on delete', () => {
    const [release] = byType('kubernetes:helm.sh/v3:Release');
    expect([release.name, release.protect, release.retainOnDelete]).toEqual(['wksv3k-dev/ciip-portal-patroni', true, true]);
    const [cluster] = byType('kubernetes:postgresql.cnpg.io/v1:Cluster');
    expect([cluster.name, cluster.protect, cluster.retainOnDelete]).toEqual(['wksv3k-dev/ciip-portal-cnpg', false, true]);
    expect(cluster.inputs.spec.bootstrap.initdb.import.source).toEqual({ externalCluster: 'ciip-portal-patroni' });
  });

  test('the import is created after the NetworkPolicy that lets it through', () => {
    const [cluster] = byType('kubernetes:postgresql.cnpg.io/v1:Cluster');
    expect(cluster.dependsOn).toEqual(['wksv3k-dev/ciip-portal-cnpg-import']);
  });
});
