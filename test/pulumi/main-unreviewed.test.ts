import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers';
import { installProgramMocks, runMain } from './mocks';

// GIVEN a stack edited after the last synth (dist/ not regenerated, so not reviewed) in a harmless
// way, WHEN `pulumi up` runs the program, THEN it refuses before registering anything.
test('the Pulumi program refuses a stack whose rendering differs from the reviewed dist/', async () => {
  const config = parse(fs.readFileSync(path.join(ROOT, 'stacks/Pulumi.indigo-prod.yaml'), 'utf8')).config as Record<string, any>;
  config['pgfleet:databases'][0].backup.retentionPolicy = '20d';
  const created = await installProgramMocks('indigo-prod', config);
  await expect(runMain()).rejects.toThrow(
    /stack indigo-prod renders differently from the reviewed .*dist\/indigo-prod\/ \(objectstore-forgejo-backups\.yaml\): run `npm run synth`/,
  );
  expect(created.filter((c) => !c.startsWith('pulumi:pulumi:StackReference'))).toEqual([]);
});
