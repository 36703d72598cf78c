/**
 * `pgfleet diff` and `pgfleet plan`. Both compare what the stacks synthesize now with a base
 * (the committed `dist/` at HEAD, another ref, or a directory). Exit codes: 0 when the gate
 * passes, 1 when a `destroys-data` or `irreversible` change is not acknowledged or a stack has a
 * config problem, 2 when the base cannot be read.
 */
import { Command, Option } from 'commander';
import type { Engine } from '../engines/engine';
import { BaseError, dirBase, gitBase, type BaseSource } from '../review/base-files';
import { formatDiff, type ReviewFormat } from '../review/format-diff';
import { formatPlan } from '../review/format-plan';
import { buildPlan } from '../review/plan';
import { reviewStacks } from '../review/review-stacks';
import { useColor } from '../review/style';
import { formatOf, formatOptions, listOf, repeatable } from './cli-options';

interface BaseFlags {
  readonly base?: string;
  readonly from?: string;
  readonly out: string;
  readonly stacksDir: string;
  readonly file?: string[];
  readonly format: ReviewFormat;
  readonly json?: boolean;
  readonly color?: boolean;
}

function withBaseOptions(cmd: Command): Command {
  repeatable(cmd, '-f, --file <path>', 'stack file outside stacks/ (repeatable)');
  cmd
    .option('--stacks-dir <dir>', 'directory of stack files', 'stacks')
    .addOption(new Option('--base <ref>', 'git ref whose committed dist/ is the base (default: HEAD)'))
    .option('--from <dir>', 'compare with a directory holding <stack>/ folders instead of git')
    .option('-o, --out <dir>', 'the dist directory inside the git checkout', 'dist');
  return formatOptions(cmd)
    .option('--color', 'colour the text output even when stdout is not a terminal')
    .option('--no-color', 'never colour the text output (NO_COLOR does the same)');
}

function baseOf(o: BaseFlags): BaseSource {
  if (o.base !== undefined && o.from !== undefined)
    throw new BaseError('--base and --from exclude each other: pick the git ref or the directory');
  return o.from !== undefined ? dirBase(o.from) : gitBase(o.base ?? 'HEAD', o.out);
}

/** Runs a review command; a base that cannot be read is a usage problem, printed without a stack trace. */
function run(action: () => void): void {
  try {
    action();
  } catch (e) {
    if (!(e instanceof BaseError)) throw e;
    console.error(e.message);
    process.exitCode = 2;
  }
}

export function registerReviewCommands(cli: Command, engines: readonly Engine[]): void {
  withBaseOptions(
    repeatable(
      cli
        .command('diff')
        .description(
          'what each change to the stacks will do to the databases, gated: exits 1 while a destroys-data or irreversible change is not acknowledged',
        ),
      '-s, --stack <name>',
      'stack to review (repeatable); default: every stacks/Pulumi.<stack>.yaml',
    ),
  ).action((o: BaseFlags & { stack?: string[] }) =>
    run(() => {
      const diffs = reviewStacks({ stacks: listOf(o.stack), files: listOf(o.file), stacksDir: o.stacksDir, base: baseOf(o), engines });
      process.stdout.write(formatDiff(diffs, formatOf(o), { color: o.color ?? useColor() }));
      if (!diffs.every((d) => d.gate.ok)) process.exitCode = 1;
    }),
  );

  withBaseOptions(
    cli
      .command('plan')
      .description(
        'the ordered runbook for the pending change of one stack: pulumi up, what to wait for, what stays manual, the follow-up config change',
      )
      .option('-s, --stack <name>', 'the stack to plan'),
  ).action((o: BaseFlags & { stack?: string }) =>
    run(() => {
      if (o.stack === undefined && listOf(o.file).length !== 1)
        throw new BaseError('pgfleet plan needs one stack: --stack NAME (or --file PATH)');
      const [diff] = reviewStacks({
        stacks: o.stack ? [o.stack] : [],
        files: listOf(o.file),
        stacksDir: o.stacksDir,
        base: baseOf(o),
        engines,
      });
      process.stdout.write(formatPlan(buildPlan(diff), formatOf(o), { color: o.color ?? useColor() }));
      if (!diff.gate.ok) process.exitCode = 1;
    }),
  );
}
