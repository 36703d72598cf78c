/**
 * Terminal colours for review output: on only when asked (stdout is a TTY and NO_COLOR is unset,
 * decided by the CLI), so files, pipes and tests get plain text.
 */
import { styleText } from 'node:util';
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

type Format = Parameters<typeof styleText>[0];

export function style(color: boolean): Style {
  // pgfleet decides about colour itself (useColor): styleText must not check the stream again.
  const paint = (format: Format) => (color ? (s: string) => styleText(format, s, { validateStream: false }) : (s: string) => s);
  const bold = paint('bold');
  const dim = paint('dim');
  const red = paint('red');
  const green = paint('green');
  const yellow = paint('yellow');
  const cyan = paint('cyan');
  const magenta = paint('magenta');
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

/** Whether the CLI should colour its output: a terminal, and no NO_COLOR (https://no-color.org); FORCE_COLOR forces it. */
export function useColor(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return !!stream.isTTY;
}
