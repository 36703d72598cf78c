/**
 * The V8 code cache of build/ (scripts/code-cache.js) never runs an older build of a module: V8
 * itself accepts a cache made for any source of the same length, e.g. a bundle whose code moved
 * between modules.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, tempDir } from './helpers';

/** Loads `dir/answer.js` in a fresh node with the code cache installed; returns what it exports. */
function load(dir: string): string {
  const script = `require(${JSON.stringify(path.join(ROOT, 'scripts/code-cache.js'))}).install(${JSON.stringify(dir)});
process.stdout.write(String(require(${JSON.stringify(path.join(dir, 'answer.js'))})()));`;
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
}

describe('the code cache of build/', () => {
  test('a module rebuilt with the same length runs its new code, and the old cache is removed', () => {
    const dir = tempDir('pgfleet-code-cache-');
    const file = path.join(dir, 'answer.js');
    fs.writeFileSync(file, 'module.exports = function () { return "one"; };\n');
    expect(load(dir)).toBe('one');
    expect(load(dir)).toBe('one');
    const [first] = fs.readdirSync(path.join(dir, '.code-cache'));

    fs.writeFileSync(file, 'module.exports = function () { return "two"; };\n');
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    expect(load(dir)).toBe('two');
    const after = fs.readdirSync(path.join(dir, '.code-cache'));
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(first);
  });
});
