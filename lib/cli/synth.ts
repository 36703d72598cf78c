import * as path from 'node:path';
import { ConfigError } from '../config/config-error';
import { loadStackFile, selectStackFiles, stackNameOf } from '../config/load-stack';
import type { Engine } from '../engines/engine';
import { resolveParsed } from '../model/resolve';
import { renderStack, type RenderedStack } from '../outputs/render-stack';
import { previousOutput } from '../review/base-files';
import type { StackDiff } from '../review/diff-types';
import { GateError, gateRefusal } from '../review/gate-refusal';
import { stateOfFiles } from '../review/reviewed-object';
import { diffRendered } from '../review/stack-diff';
import { writeStack, writeStackFiles } from '../outputs/write-stack';
import { formatManifestProblems } from '../outputs/validate/manifest-problems';
import type { ManifestValidator } from '../outputs/validate/manifest-validator';
import { previousIn } from '../outputs/validate/previous-objects';

export interface SynthOptions {
  /** Stack names to synthesize. @default - every stack file in stacksDir */
  readonly stacks?: readonly string[];
  /** Stack files given by path (any location). @default [] */
  readonly files?: readonly string[];
  readonly stacksDir: string;
  readonly outDir: string;
  readonly validator: ManifestValidator;
  /** The engine registry (`lib/engines`). */
  readonly engines: readonly Engine[];
  /** The user's checkout, whose `dist/` (work tree, else git HEAD) holds the previous output: the working directory. */
  readonly projectDir: string;
}

/** Thrown when synthesized objects fail their schemas; nothing is written. */
export class InvalidManifestsError extends Error {}

/**
 * Renders, validates and gates every selected stack, then writes them all, so a problem in one
 * stack leaves every output directory as it was. Each stack is compared with what its previous
 * synth wrote (see `previousOutput`): the transition rules run against that state, and a change
 * that destroys data or cannot be undone must be acknowledged in the stack, as `pgfleet diff`
 * demands. Config problems of all stacks are reported together.
 */
export function synth(o: SynthOptions): RenderedStack[] {
  const files = selectStackFiles(o);
  const rendered: RenderedStack[] = [];
  const configErrors: ConfigError[] = [];
  const invalid: string[] = [];
  const gated: StackDiff[] = [];
  const project = path.resolve(o.projectDir);
  // Outputs of dist/ found only in git: `cdk8s synth -o dist` emptied them before pgfleet ran.
  const emptied: { stack: string; files: ReadonlyMap<string, string> }[] = [];
  const intoDist = path.resolve(o.outDir) === path.join(project, 'dist');
  for (const file of files) {
    try {
      const base = previousOutput(stackNameOf(file), o.outDir, project);
      if (base.fromGit && intoDist) emptied.push({ stack: stackNameOf(file), files: base.files });
      const resolved = resolveParsed(loadStackFile(file, { previous: stateOfFiles(base.files, o.engines, base.name), engines: o.engines }));
      const r = renderStack(resolved);
      const spec = resolved.spec;
      // Transition rules (`oldSelf`) compare each object with the one the previous synth wrote to its file.
      const problems = o.validator.validate(
        r.objects.map((x) => x.manifest),
        { previous: (i) => previousIn(base.files.get(r.objects[i].file), r.objects[i].manifest) },
      );
      if (problems.length) invalid.push(`${spec.stack}:\n${formatManifestProblems(problems)}`);
      const diff = diffRendered(base.files, r, { baseName: base.name });
      if (!diff.gate.ok) gated.push(diff);
      rendered.push(r);
    } catch (e) {
      if (e instanceof ConfigError) configErrors.push(e);
      else throw e;
    }
  }
  const refusal = configErrors.length
    ? ConfigError.merge(configErrors)
    : gated.length
      ? new GateError(gateRefusal(gated, 'synth refuses (nothing written)'))
      : invalid.length
        ? new InvalidManifestsError(`synthesized objects do not match their schemas (nothing written):\n${invalid.join('\n')}`)
        : undefined;
  if (refusal) {
    // Refused: what was emptied before pgfleet ran goes back, so the state is never lost.
    for (const e of emptied) writeStackFiles(e.stack, e.files, o.outDir);
    throw refusal;
  }
  for (const r of rendered) writeStack(r, o.outDir);
  return rendered;
}
