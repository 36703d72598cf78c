/**
 * Renders the selected stacks against their base: the previous state comes from the base's
 * `pgfleet-state.json`, so the same transition checks as a synth run against what is committed.
 */
import { eachReportingAll } from '../config/config-error';
import { loadStackFile, selectStackFiles, stackNameOf } from '../config/load-stack';
import type { Engine } from '../engines/engine';
import { resolveParsed } from '../model/resolve';
import { renderStack } from '../outputs/render-stack';
import type { BaseSource } from './base-files';
import { stateOfFiles } from './reviewed-object';
import { diffRendered } from './stack-diff';
import type { StackDiff } from './diff-types';

export interface ReviewOptions {
  /** @default - every stack file in stacksDir */
  readonly stacks?: readonly string[];
  /** @default [] */
  readonly files?: readonly string[];
  readonly stacksDir: string;
  readonly base: BaseSource;
  /** The engine registry (`lib/engines`). */
  readonly engines: readonly Engine[];
}

/** The diff of every selected stack; config problems of all stacks are thrown together. */
export function reviewStacks(o: ReviewOptions): StackDiff[] {
  return eachReportingAll(selectStackFiles(o), (file) => {
    const stack = stackNameOf(file);
    const base = o.base.files(stack);
    const baseName = o.base.describe(stack);
    const resolved = resolveParsed(loadStackFile(file, { previous: stateOfFiles(base, o.engines, baseName), engines: o.engines }));
    return diffRendered(base, renderStack(resolved), { baseName });
  });
}
