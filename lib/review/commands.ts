import type { Command } from 'commander';

/** `pgfleet diff` and `pgfleet plan` (see lib/review). */
export function registerReviewCommands(cli: Command): void {
  cli
    .command('diff')
    .description('what each change to the stacks will do (not built yet)')
    .action(() => {
      console.error('pgfleet diff is not built yet');
      process.exitCode = 1;
    });
  cli
    .command('plan')
    .description('ordered runbook for the pending change of a stack (not built yet)')
    .action(() => {
      console.error('pgfleet plan is not built yet');
      process.exitCode = 1;
    });
}
