/**
 * Terminal colours for review output: on only when asked (stdout is a TTY and NO_COLOR is unset,
 * decided by the CLI), so files, pipes and tests get plain text.
 */
import type { ChangeClass } from '../engines/change-rule';

export interface Style {
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly cyan: (s: string) => string;
  readonly magenta: (s: string) => string;
  /** A class name in its colour. */
  readonly cls: (c: ChangeClass) => string;
}

const sgr = (open: string, close: string) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

export function style(color: boolean): Style {
  const id = (s: string) => s;
  const bold = color ? sgr('1', '22') : id;
  const dim = color ? sgr('2', '22') : id;
  const red = color ? sgr('31', '39') : id;
  const green = color ? sgr('32', '39') : id;
  const yellow = color ? sgr('33', '39') : id;
  const cyan = color ? sgr('36', '39') : id;
  const magenta = color ? sgr('35', '39') : id;
  const byClass: Record<ChangeClass, (s: string) => string> = {
    'no-op': dim,
    safe: green,
    restart: yellow,
    downtime: (s) => bold(yellow(s)),
    'new-cluster': cyan,
    'destroys-data': (s) => bold(red(s)),
    irreversible: (s) => bold(magenta(s)),
  };
  return { bold, dim, red, green, yellow, cyan, magenta, cls: (c) => byClass[c](c) };
}

/** Whether the CLI should colour its output. */
export function useColor(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return !!stream.isTTY && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}
