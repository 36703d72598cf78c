/** Option helpers shared by the commands, so every command reads the same way in `--help`. */
import { type Command, Option } from 'commander';

/** Adds a repeatable option; its value is a list, empty when the option is not given (no "(default: [])" in the help). */
export function repeatable(cmd: Command, flags: string, description: string): Command {
  return cmd.addOption(new Option(flags, description).argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]));
}

/** The values of a repeatable option. */
export const listOf = (v: readonly string[] | undefined): string[] => [...(v ?? [])];

/** `--format text|markdown|json` and its shorthand `--json`, for commands whose output bots read. */
export function formatOptions(cmd: Command, formats: readonly string[] = ['text', 'markdown', 'json']): Command {
  return cmd
    .addOption(new Option('--format <format>', 'output format').choices([...formats]).default('text'))
    .option('--json', 'same as --format json (for CI bots)');
}

/** The chosen format: `--json` wins over `--format`. */
export const formatOf = <F extends string>(o: { format: F; json?: boolean }): F => (o.json ? ('json' as F) : o.format);
