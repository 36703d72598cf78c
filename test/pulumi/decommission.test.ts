import { installMocks, recorder, registered, unwrap } from './mocks';
import { forgejo } from '../review/cnpg-stacks';
import { render } from '../helpers';
import { ENGINES } from '../../lib/engines';

const STACK = 'test-prod';
const flagged = forgejo({ decommission: true, consumers: [] });
const allRetired = forgejo({ decommission: true, consumers: [], retired: ['forgejo-db'] });
/** Pulumi config as `pulumi.runtime.allConfig()` gives it: every value a string. */
const asPulumiConfig = (c: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(c).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));

// GIVEN forgejo with `decommission: true` (its consumers removed), WHEN the program deploys it,
// THEN its Cluster is retained on delete but no longer protected, so the next change may retire
// it; without the flag the serving Cluster stays protected.
describe('Pulumi program: decommission lifts the protection', () => {
  const protection = async (config: Record<string, unknown>) => {
    registered.length = 0;
    await installMocks(STACK);
    const { deployStack } = await import('../../lib/pulumi/program');
    const deployed = deployStack(render(config, { stack: STACK }), { transformations: [recorder] });
    await Promise.all([...deployed.resources.values()].map((r) => unwrap(r.urn)));
    return registered
      .filter((r) => r.type === 'kubernetes:postgresql.cnpg.io/v1:Cluster')
      .map((r) => [r.name, { protect: r.protect, retainOnDelete: r.retainOnDelete }]);
  };

  test('the serving generation is protected until then', async () => {
    expect(await protection(forgejo({ consumers: [] }))).toEqual([['forgejo/forgejo-db', { protect: true, retainOnDelete: true }]]);
  });

  test('decommission: retained, not protected', async () => {
    expect(await protection(flagged)).toEqual([['forgejo/forgejo-db', { protect: false, retainOnDelete: true }]]);
  });
});

// GIVEN the retire of every generation, reviewed in dist/, WHEN `pulumi up` runs it, THEN the
// program accepts it only if the deployment it compares with already carries the flag.
describe('Pulumi program: retiring the last generation follows the deployed decommission', () => {
  const run = async (deployedConfig: Record<string, unknown>) => {
    await installMocks(STACK);
    const { runProgram } = await import('../../lib/pulumi/run-program');
    // What the last `pulumi up` deployed: its files (the program reads them from its stack output).
    const before = render(deployedConfig, { stack: STACK });
    const reviewed = render(allRetired, { stack: STACK, previous: before.state }).files;
    return runProgram({
      stack: STACK,
      config: asPulumiConfig(allRetired),
      engines: ENGINES,
      deployed: before.files,
      reviewed,
      reviewedName: `dist/${STACK}`,
    });
  };

  test('after decommission was deployed: accepted, and forgejo has no component any more', async () => {
    const outputs = await run(flagged);
    expect(outputs.pgfleet.stack).toBe(STACK);
    const databases = await unwrap(outputs.databases);
    expect(databases).toEqual({});
  });

  test('while the deployment still protects it: refused, with the step to apply first', async () => {
    await expect(run(forgejo({ consumers: [] }))).rejects.toThrow(
      'first apply decommission: true alone with pulumi up (it lifts the protection); retire the generations in a later change',
    );
  });
});
