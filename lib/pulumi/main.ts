/**
 * The Pulumi program (`Pulumi.yaml` → build/lib/pulumi/main.js): reads the stack's `pgfleet:*`
 * config, renders it with the same code as `pgfleet synth`, and registers the objects.
 * `pulumi up -s <stack>` applies exactly what `dist/<stack>/` shows.
 */
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { ConfigError } from '../config/config-error';
import { parseStackConfig, readState } from '../config/load-stack';
import { projectRoot } from '../cli/project-root';
import { renderStack } from '../outputs/render-stack';
import { deployStack } from './program';

const stack = pulumi.getStack();
try {
  const spec = parseStackConfig(pulumi.runtime.allConfig(), {
    stack,
    source: `pulumi config of stack ${stack}`,
    previous: readState(path.join(projectRoot(), 'dist', stack)),
  });
  deployStack(renderStack(spec));
} catch (e) {
  // A RunError prints its message without a stack trace.
  if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
  throw e;
}
