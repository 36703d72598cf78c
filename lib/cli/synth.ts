import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../config/config-error';
import { loadStackFile, readState, selectStackFiles, stackNameOf } from '../config/load-stack';
import type { Engine } from '../engines/engine';
import { resolveParsed } from '../model/resolve';
import { STATE_FILE } from '../config/stack-state';
import { renderStack, type RenderedStack } from '../outputs/render-stack';
import { writeStack } from '../outputs/write-stack';
import { formatManifestProblems } from '../outputs/validate/manifest-problems';
import type { ManifestValidator } from '../outputs/validate/manifest-validator';

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
}

/** Thrown when synthesized objects fail their schemas; nothing is written. */
export class InvalidManifestsError extends Error {}

/**
 * Where the previous synth of a stack left its state: the output directory, else the project's
 * committed `dist/`, so synthesizing into a fresh directory cannot skip the transition checks.
 */
export function stateDirOf(stack: string, outDir: string): string {
  const out = path.join(outDir, stack);
  return fs.existsSync(path.join(out, STATE_FILE)) ? out : path.join('dist', stack);
}

/**
 * Renders and validates every selected stack, then writes them all, so a problem in one stack
 * leaves every output directory as it was. Config problems of all stacks are reported together.
 */
export function synth(o: SynthOptions): RenderedStack[] {
  const files = selectStackFiles(o);
  const rendered: RenderedStack[] = [];
  const configErrors: ConfigError[] = [];
  const invalid: string[] = [];
  for (const file of files) {
    try {
      const resolved = resolveParsed(
        loadStackFile(file, { previous: readState(stateDirOf(stackNameOf(file), o.outDir), o.engines), engines: o.engines }),
      );
      const r = renderStack(resolved);
      const spec = resolved.spec;
      const problems = o.validator.validate(r.objects.map((x) => x.manifest));
      if (problems.length) invalid.push(`${spec.stack}:\n${formatManifestProblems(problems)}`);
      rendered.push(r);
    } catch (e) {
      if (e instanceof ConfigError) configErrors.push(e);
      else throw e;
    }
  }
  if (configErrors.length) throw ConfigError.merge(configErrors);
  if (invalid.length)
    throw new InvalidManifestsError(`synthesized objects do not match their schemas (nothing written):\n${invalid.join('\n')}`);
  for (const r of rendered) writeStack(r, path.join(o.outDir, r.resolved.spec.stack));
  return rendered;
}
