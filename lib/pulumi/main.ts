/**
 * The Pulumi program (`Pulumi.yaml` → build/pulumi.js). `pulumi up -s <stack>` renders the stack,
 * compares it with what the stack last deployed (recorded in Pulumi's own state, the stack output
 * `pgfleet`, read through a reference to this same stack), refuses what the gate refuses, and
 * deploys only the reviewed `dist/<stack>/`. See run-program.ts.
 */
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { stackNameIssue } from '../config/load-stack';
import { projectRoot } from '../config/project-root';
import { ENGINES } from '../engines';
import { readStackDir } from '../outputs/write-stack';
import { OUTPUT_NAME, unpackOutput } from './deployed-output';
import { runProgram } from './run-program';

export = async () => {
  const stack = pulumi.getStack();
  const nameIssue = stackNameIssue(stack, 'pulumi stack name');
  if (nameIssue)
    throw new pulumi.RunError(
      `${nameIssue.path}: found ${JSON.stringify(stack)}\n  allowed: ${nameIssue.allowed}\n  fix: ${nameIssue.fix}`,
    );
  const self = new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${stack}`);
  let deployed: Map<string, string>;
  try {
    deployed = unpackOutput((await self.getOutputDetails(OUTPUT_NAME)).value, stack);
  } catch (e) {
    throw new pulumi.RunError((e as Error).message);
  }
  const dist = path.join(projectRoot(), 'dist', stack);
  return runProgram({
    stack,
    config: pulumi.runtime.allConfig(),
    engines: ENGINES,
    deployed,
    reviewed: readStackDir(dist),
    reviewedName: path.relative(process.cwd(), dist) || dist,
    log: (text) => void pulumi.log.info(text),
  });
};
