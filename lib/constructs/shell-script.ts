/**
 * How every script pgfleet renders is put together from `lib/**\/*.sh` files (imported as text,
 * lib/text-imports.d.ts): the files in order, each ending in a newline, without the lines that are
 * only shellcheck directives (`# shellcheck shell=bash`, `# shellcheck disable=SC2034 # why`).
 * Those serve a file checked on its own (its dialect, variables an earlier file of the
 * composition sets); the composed script is checked as a whole, as rendered, by the shellcheck
 * tests, so none of them belongs in a manifest.
 *
 * A directive a composed script itself needs therefore cannot be one of these lines: such a finding
 * is fixed in the shell instead.
 */

/** A line that holds a shellcheck directive and nothing else but its trailing comment. */
const DIRECTIVE_LINE = /^[ \t]*#[ \t]*shellcheck[ \t]+[a-z-]+=[^\n]*(\n|$)/gm;

/** One file's text without its directive lines. */
export const withoutDirectives = (text: string): string => text.replace(DIRECTIVE_LINE, '');

/** The script of a container: the parts (file texts) in order, without directive lines, each ending in a newline. */
export function shellScript(...parts: readonly string[]): string {
  return parts
    .map(withoutDirectives)
    .map((p) => (p.endsWith('\n') || p === '' ? p : `${p}\n`))
    .join('');
}
