import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { ROOT } from '../helpers';

// GIVEN `pulumi up -s indigo-prod` of a stack never deployed: Pulumi hands the program the stack
// file's config as JSON strings. WHEN the program runs, THEN it registers the same objects synth
// writes to dist/, and exports what it deployed for the next run to compare with.
describe('Pulumi entry point', () => {
  const created: string[] = [];
  let outputs: Record<string, any>;

  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const config = parse(fs.readFileSync(path.join(ROOT, 'stacks/Pulumi.indigo-prod.yaml'), 'utf8')).config as Record<string, unknown>;
    pulumi.runtime.setAllConfig(
      Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
    );
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          created.push(`${args.type} ${args.name}`);
          // The stack's own reference: no outputs yet (first deployment).
          return { id: `${args.name}-id`, state: args.type === 'pulumi:pulumi:StackReference' ? { outputs: {} } : args.inputs };
        },
        call: (args) => args.inputs,
      },
      'pgfleet',
      'indigo-prod',
      false,
      'organization',
    );
    const main = (await import('../../lib/pulumi/main')) as unknown as { default: () => Promise<Record<string, any>> };
    outputs = await main.default();
    // Registrations complete asynchronously; wait until the count settles.
    let last = -1;
    for (let i = 0; i < 50 && created.length !== last; i++) {
      last = created.length;
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  test('registers every object of dist/indigo-prod inside one component per database', () => {
    const files = fs.readdirSync(path.join(ROOT, 'dist/indigo-prod')).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    const objects = created.filter((c) => c.startsWith('kubernetes:'));
    expect(objects).toHaveLength(files.length);
    expect(objects).toContain('kubernetes:postgresql.cnpg.io/v1:Cluster forgejo/forgejo-db');
    expect(objects).toContain('kubernetes:external-secrets.io/v1:ExternalSecret forgejo/forgejo-database-url');
    expect(created).toContain('pgfleet:index:Database forgejo/forgejo');
    expect(created).toContain('pulumi:pulumi:StackReference organization/pgfleet/indigo-prod');
  });

  test('exports the deployed files (for the next run) and typed facts per database', async () => {
    expect(outputs.pgfleet).toMatchObject({ format: 1, stack: 'indigo-prod' });
    const databases = await new Promise<Record<string, any>>((resolve) => outputs.databases.apply(resolve));
    expect(databases.forgejo).toMatchObject({ serving: 'forgejo-db', connectionSecrets: { forgejo: 'forgejo-database-url' } });
    expect(databases.forgejo.generations['forgejo-db'].postgresVersion).toBe(18);
    // The recovery guarantee, as `pgfleet report --json` gives it.
    expect(databases.forgejo.recovery['forgejo-db']).toMatchObject({
      serving: true,
      method: 'wal',
      rpo: { seconds: 1800, text: '30m' },
      window: { seconds: 864000, text: '10d' },
    });
  });
});
