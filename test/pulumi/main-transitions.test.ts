import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { packOutput } from '../../lib/pulumi/deployed-output';
import { renderStack } from '../../lib/outputs/render-stack';
import { ROOT, stackFrom } from '../helpers';
import { installProgramMocks, runMain } from './mocks';

// GIVEN indigo-prod deployed with a 60Gi volume (whatever dist/ in git says), WHEN `pulumi up` runs
// the stack with 50Gi, THEN the program refuses the shrink against the deployment.
test('the Pulumi program checks transitions against the deployed state, not against git', async () => {
  const config = parse(fs.readFileSync(path.join(ROOT, 'stacks/Pulumi.indigo-prod.yaml'), 'utf8')).config as Record<string, any>;
  const bigger = JSON.parse(JSON.stringify(config));
  bigger['pgfleet:databases'][0].storage.size = '60Gi';
  const deployed = packOutput(renderStack(stackFrom(bigger, { stack: 'indigo-prod' })));
  const created = await installProgramMocks('indigo-prod', config, { pgfleet: deployed });
  await expect(runMain()).rejects.toThrow(
    /pgfleet:databases\[0\]\.storage\.size: found "50Gi"\n\s+allowed: 60Gi or more: Kubernetes volumes can grow but never shrink/,
  );
  expect(created.filter((c) => !c.startsWith('pulumi:pulumi:StackReference'))).toEqual([]);
});

test('a stack output pgfleet did not write is an error, never "nothing deployed"', async () => {
  const { unpackOutput } = await import('../../lib/pulumi/deployed-output');
  expect(() => unpackOutput({ format: 2 }, 'indigo-prod')).toThrow(/is not the record pgfleet writes/);
  expect(() => unpackOutput({ format: 1, stack: 'indigo-prod', files: 'not-gzip' }, 'indigo-prod')).toThrow(/does not decode/);
  expect(unpackOutput(undefined, 'indigo-prod').size).toBe(0);
});
