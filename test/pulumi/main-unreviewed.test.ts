import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { ROOT } from '../helpers';

// GIVEN a stack edited after the last synth (dist/ not regenerated, so not reviewed),
// WHEN `pulumi up` runs the program, THEN it refuses before registering anything.
test('the Pulumi program refuses a stack whose rendering differs from the reviewed dist/', async () => {
  const config = parse(fs.readFileSync(path.join(ROOT, 'stacks/Pulumi.indigo-prod.yaml'), 'utf8')).config as Record<string, any>;
  config['pgfleet:databases'][0].backup.retentionPolicy = '2d';
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
  );
  const created: string[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        created.push(args.name);
        return { id: args.name, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    'pgfleet',
    'indigo-prod',
    false,
  );
  await expect(import('../../lib/pulumi/main')).rejects.toThrow(
    /stack indigo-prod renders differently from the reviewed .*dist\/indigo-prod\/ \(objectstore-forgejo-backups\.yaml\): run `npm run synth`/,
  );
  expect(created).toEqual([]);
});
