/**
 * The Pulumi program (`Pulumi.yaml` → build/pulumi.js): reads the stack's `pgfleet:*`
 * config, renders it with the same code as `pgfleet synth`, checks that the result is exactly
 * the reviewed `dist/<stack>/`, and registers the objects. `pulumi up -s <stack>` therefore
 * applies what the pull request showed, or nothing.
 */
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { ConfigError } from '../config/config-error';
import { parseStackConfig, readState } from '../config/load-stack';
import { projectRoot } from '../config/project-root';
import { ENGINES } from '../engines';
import { resolveParsed } from '../model/resolve';
import { renderStack } from '../outputs/render-stack';
import { readStackDir } from '../outputs/write-stack';
import { unreviewedFiles } from './reviewed-output';
import { deployStack } from './program';

const stack = pulumi.getStack();
const dist = path.join(projectRoot(), 'dist', stack);
try {
  const parsed = parseStackConfig(pulumi.runtime.allConfig(), {
    stack,
    source: `pulumi config of stack ${stack}`,
    previous: readState(dist, ENGINES),
    engines: ENGINES,
  });
  const rendered = renderStack(resolveParsed(parsed));
  const unreviewed = unreviewedFiles(rendered.files, readStackDir(dist));
  if (unreviewed.length) {
    throw new pulumi.RunError(
      `stack ${stack} renders differently from the reviewed ${path.relative(process.cwd(), dist) || dist}/ (${unreviewed.join(', ')}): ` +
        'run `npm run synth`, review `pgfleet diff`, commit dist/, then `pulumi up`',
    );
  }
  deployStack(rendered);
} catch (e) {
  // A RunError prints its message without a stack trace.
  if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
  throw e;
}
