/**
 * The Pulumi program's work, apart from the runtime it gets its inputs from: render the stack
 * from its Pulumi config with the same code as `pgfleet synth`, compare with what this stack last
 * deployed (the transition rules and the gate of `pgfleet diff`), require the result to be
 * exactly the reviewed `dist/<stack>/`, then register it.
 */
import * as pulumi from '@pulumi/pulumi';
import { ConfigError } from '../config/config-error';
import { STATE_FILE } from '../config/stack-state';
import { parseStackConfig } from '../config/load-stack';
import type { Engine } from '../engines/engine';
import { resolveParsed } from '../model/resolve';
import { renderStack } from '../outputs/render-stack';
import { formatDiff } from '../review/format-diff';
import { gateRefusal } from '../review/gate-refusal';
import { stateOfFiles } from '../review/reviewed-object';
import { diffRendered } from '../review/stack-diff';
import { type DeployedOutput, packOutput } from './deployed-output';
import { deployStack } from './program';
import type { DatabaseOutputs } from './database-component';
import { unreviewedFiles } from './reviewed-output';

export interface ProgramInput {
  readonly stack: string;
  /** `pulumi.runtime.allConfig()`: the stack file's config, values as JSON strings. */
  readonly config: Record<string, unknown>;
  readonly engines: readonly Engine[];
  /** The files of the last deployment (empty for the first). */
  readonly deployed: ReadonlyMap<string, string>;
  /** The reviewed `dist/<stack>/` of the checkout. */
  readonly reviewed: ReadonlyMap<string, string>;
  /** Shown in messages, e.g. `dist/indigo-prod`. */
  readonly reviewedName: string;
  /** Where the review of what changes goes (`pulumi.log.info` in a real run). @default - nowhere */
  readonly log?: (text: string) => void;
  /** Options of every component (tests record registrations). @default {} */
  readonly opts?: pulumi.ComponentResourceOptions;
}

/** The stack outputs. */
export interface ProgramOutputs {
  /** What this deployment is, for the next run to compare with. */
  readonly pgfleet: DeployedOutput;
  /** Per database: serving generation, generations, consumer Secrets, archives. */
  readonly databases: pulumi.Output<Record<string, DatabaseOutputs>>;
}

/** Runs the program; a config problem, a refused change or an unreviewed rendering throws a RunError (printed without a stack trace). */
export function runProgram(input: ProgramInput): ProgramOutputs {
  const { stack } = input;
  const source = `pulumi config of stack ${stack}`;
  let rendered;
  try {
    const previous = stateOfFiles(input.deployed, input.engines, `the last deployment of ${stack}`);
    rendered = renderStack(resolveParsed(parseStackConfig(input.config, { stack, source, previous, engines: input.engines })));
  } catch (e) {
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
  const diff = diffRendered(input.deployed, rendered, {
    baseName: input.deployed.size ? `the last deployment of ${stack}` : `nothing deployed yet`,
  });
  input.log?.(formatDiff([diff], 'text', { color: false }));
  if (!diff.gate.ok) throw new pulumi.RunError(gateRefusal([diff], 'pulumi refuses (nothing deployed)'));
  // The manifests must be the reviewed ones; the state file records the review (its retired list
  // may have grown over synths never deployed), and the checks above ran against the deployment.
  const unreviewed = unreviewedFiles(rendered.files, input.reviewed).filter((f) => f !== STATE_FILE);
  if (unreviewed.length) {
    throw new pulumi.RunError(
      `stack ${stack} renders differently from the reviewed ${input.reviewedName}/ (${unreviewed.join(', ')}): ` +
        'run `npm run synth`, review `pgfleet diff`, commit dist/, then `pulumi up`',
    );
  }
  const deployed = deployStack(rendered, input.opts ?? {});
  return { pgfleet: packOutput(rendered), databases: deployed.outputs };
}
