import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { ROOT } from '../helpers';

// GIVEN `pulumi up -s indigo-prod`: Pulumi hands the program the stack file's config as JSON
// strings. WHEN the program runs, THEN it registers the same objects synth writes to dist/.
describe('Pulumi entry point', () => {
  const created: string[] = [];

  beforeAll(async () => {
    const config = parse(fs.readFileSync(path.join(ROOT, 'stacks/Pulumi.indigo-prod.yaml'), 'utf8')).config as Record<string, unknown>;
    pulumi.runtime.setAllConfig(
      Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
    );
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          created.push(`${args.type} ${args.name}`);
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      'pgfleet',
      'indigo-prod',
      false,
    );
    await import('../../lib/pulumi/main');
    // Registrations complete asynchronously; wait until the count settles.
    let last = -1;
    for (let i = 0; i < 50 && created.length !== last; i++) {
      last = created.length;
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  test('registers every object of dist/indigo-prod', () => {
    const files = fs.readdirSync(path.join(ROOT, 'dist/indigo-prod')).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    const customs = created.filter((c) => !c.startsWith('kubernetes:yaml:'));
    expect(customs).toHaveLength(files.length);
    expect(customs).toContain('kubernetes:postgresql.cnpg.io/v1:Cluster forgejo/forgejo-db');
    expect(customs).toContain('kubernetes:external-secrets.io/v1:ExternalSecret forgejo/forgejo-database-url');
  });
});
