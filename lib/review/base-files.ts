/**
 * Where `pgfleet diff` and `pgfleet plan` read the base they compare with: the committed
 * `dist/<stack>/` at a git ref (default `HEAD`), or a directory holding `<stack>/` folders.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { STATE_FILE } from '../config/stack-state';
import { readStackDir } from '../outputs/write-stack';

/** The base cannot be read (not a git checkout, unknown ref, missing directory). */
export class BaseError extends Error {}

export interface BaseSource {
  /** Shown in the output, e.g. `HEAD:dist/indigo-prod`. */
  describe(stack: string): string;
  /** Every file of the stack's output at the base; empty when the stack did not exist there. */
  files(stack: string): Map<string, string>;
}

function git(args: string[], cwd: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new BaseError(
      `cannot read the base with git ${args.join(' ')}: ${(err.stderr?.trim() ? err.stderr : err.message).trim()}\n  (run inside the git checkout, pass an existing --base REF, or compare with a directory: --from DIR)`,
    );
  }
}

/** Whether `cwd` lies in a git checkout. */
export function inGitCheckout(cwd: string): boolean {
  try {
    execFileSync('git', ['rev-parse', '--git-dir'], { cwd, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Throws a BaseError, with the fix, unless `cwd` is in a git checkout that has commit `ref`.
 * `other` is the command's other way to give a base. @default - a directory, --from DIR
 */
export function verifyCommit(ref: string, cwd: string, other = ', or compare with a directory: --from DIR'): void {
  if (!inGitCheckout(cwd)) {
    throw new BaseError(
      `${path.resolve(cwd)} is not a git checkout, so there is no committed dist/ to compare with: run pgfleet in the checkout${other}`,
    );
  }
  try {
    execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd, stdio: 'ignore' });
  } catch {
    throw new BaseError(
      `no commit ${JSON.stringify(ref)} in this checkout: pass --base with an existing branch, tag or commit (git log --oneline shows them)${other}`,
    );
  }
}

/** The text of `file` (a path relative to `cwd`) at commit `ref`; undefined when git has no such file there. */
export function fileAt(ref: string, file: string, cwd: string): string | undefined {
  try {
    return git(['cat-file', 'blob', `${ref}:./${file}`], cwd);
  } catch {
    return undefined;
  }
}

/** `dist/<stack>/` as committed at `ref`, read with `git ls-tree` and `git cat-file` (the work tree is not touched). */
export function gitBase(ref: string, outDir: string, cwd: string = process.cwd()): BaseSource {
  const rel = (stack: string) =>
    path
      .relative(cwd, path.resolve(cwd, outDir, stack))
      .split(path.sep)
      .join('/');
  verifyCommit(ref, cwd);
  return {
    describe: (stack) => `${ref}:${rel(stack)}`,
    files: (stack) => {
      const dir = rel(stack);
      const names = git(['ls-tree', '-z', '--name-only', ref, '--', `${dir}/`], cwd)
        .split('\0')
        .filter(Boolean);
      const out = new Map<string, string>();
      for (const name of names) out.set(path.posix.basename(name), git(['cat-file', 'blob', `${ref}:./${name}`], cwd));
      return out;
    },
  };
}

/** A directory holding one `<stack>/` folder per stack (e.g. a copy of an older `dist/`). */
export function dirBase(dir: string): BaseSource {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new BaseError(`--from ${dir}: no such directory (it should hold one <stack>/ folder per stack, like dist/)`);
  return {
    describe: (stack) => path.join(dir, stack),
    files: (stack) => readStackDir(path.join(dir, stack)),
  };
}

/** What the previous synth of a stack wrote, and where it was found. */
export interface PreviousOutput {
  readonly name: string;
  readonly files: Map<string, string>;
  /** Found only in git: the work tree's `dist/<stack>/` was emptied (by `cdk8s synth -o dist`, or by hand). */
  readonly fromGit?: boolean;
}

/**
 * What synth compares a stack with: the output folder's own files when they hold a state; else
 * the project's `dist/<stack>/` in the work tree (synth into a fresh folder); else `dist/<stack>/`
 * committed at git HEAD (an output folder that `cdk8s synth` emptied before running pgfleet).
 * Without any of them the stack is new.
 */
export function previousOutput(stack: string, outDir: string, projectDir: string): PreviousOutput {
  for (const dir of [path.join(outDir, stack), path.join(projectDir, 'dist', stack)]) {
    const files = readStackDir(dir);
    if (files.has(STATE_FILE)) return { name: dir, files };
  }
  try {
    const files = gitBase('HEAD', path.join(projectDir, 'dist'), projectDir).files(stack);
    if (files.has(STATE_FILE)) return { name: `HEAD:dist/${stack}`, files, fromGit: true };
  } catch (e) {
    if (!(e instanceof BaseError)) throw e;
  }
  return { name: 'nothing (a new stack)', files: new Map() };
}
