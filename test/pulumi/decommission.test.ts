import { installMocks, recorder, registered, unwrap } from './mocks';
import { forgejo } from '../review/cnpg-stacks';
import { render } from '../helpers';

// GIVEN forgejo with `decommission: true` (its consumers removed), WHEN the program deploys it,
// THEN its Cluster is retained on delete but no longer protected, so the next change may retire
// it; without the flag the serving Cluster stays protected.
describe('Pulumi program: decommission lifts the protection', () => {
  const protection = async (config: Record<string, unknown>) => {
    registered.length = 0;
    await installMocks('test-prod');
    const { deployStack } = await import('../../lib/pulumi/program');
    const deployed = deployStack(render(config, { stack: 'test-prod' }), { transformations: [recorder] });
    await Promise.all([...deployed.resources.values()].map((r) => unwrap(r.urn)));
    return registered
      .filter((r) => r.type === 'kubernetes:postgresql.cnpg.io/v1:Cluster')
      .map((r) => [r.name, { protect: r.protect, retainOnDelete: r.retainOnDelete }]);
  };

  test('the serving generation is protected until then', async () => {
    expect(await protection(forgejo({ consumers: [] }))).toEqual([['forgejo/forgejo-db', { protect: true, retainOnDelete: true }]]);
  });

  test('decommission: retained, not protected', async () => {
    expect(await protection(forgejo({ decommission: true, consumers: [] }))).toEqual([
      ['forgejo/forgejo-db', { protect: false, retainOnDelete: true }],
    ]);
  });
});
