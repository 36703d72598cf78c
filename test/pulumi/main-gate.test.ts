import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { packOutput } from '../../lib/pulumi/deployed-output';
import { renderStack } from '../../lib/outputs/render-stack';
import { loadStack, ROOT } from '../helpers';
import { installProgramMocks, runMain } from './mocks';

// GIVEN indigo-prod deployed with a 10-day recovery window, and the stack (and even dist/, were it
// regenerated) cut to 2 days without acknowledging it, WHEN `pulumi up` runs, THEN the program
// classifies the change against the deployment, refuses it with the same classes as `pgfleet
// diff`, and registers nothing.
test('the Pulumi program applies the gate against what the stack last deployed', async () => {
  const deployed = packOutput(renderStack(loadStack(path.join(ROOT, 'stacks/Pulumi.indigo-prod.yaml'))));
  const config = parse(fs.readFileSync(path.join(ROOT, 'stacks/Pulumi.indigo-prod.yaml'), 'utf8')).config as Record<string, any>;
  config['pgfleet:databases'][0].backup.retentionPolicy = '2d';
  const created = await installProgramMocks('indigo-prod', config, { pgfleet: deployed });
  const run = runMain();
  await expect(run).rejects.toThrow(
    'indigo-prod: pulumi refuses (nothing deployed): 1 change not acknowledged (compared with the last deployment of indigo-prod)',
  );
  await expect(run).rejects.toThrow(
    /- destroys-data:forgejo-db\n\s+Generation forgejo\/forgejo-db: a shorter recovery window for forgejo-db \(10d → 2d\)/,
  );
  expect(created.filter((c) => !c.startsWith('pulumi:pulumi:StackReference'))).toEqual([]);
});
