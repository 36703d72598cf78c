// V8 code cache for the bundles and validators in build/: Node 20 has no module compile cache
// (22 adds one), and compiling the 4 MB bundle and the CRD validators is a third of a synth.
// The cache is written after a run, so it also holds the functions that run compiled lazily;
// V8 checks a cache only against the source's length (and its own version): a rebuilt bundle of
// the same length (code moved between modules) would run the old bytecode. So each cache file is
// named after its module's size and mtime, and a rebuilt module never reads an older one.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

/** Compiles modules below `dir` with a code cache kept in `dir/.code-cache/`. */
function install(dir) {
  const cacheDir = path.join(dir, '.code-cache');
  const fresh = [];
  const compile = Module.prototype._compile;
  Module.prototype._compile = function compileWithCache(content, filename) {
    if (!filename.startsWith(dir + path.sep)) return compile.call(this, content, filename);
    const stat = fs.statSync(filename);
    const name = path.relative(dir, filename).split(path.sep).join('_');
    const cacheFile = path.join(cacheDir, `${name}.${stat.size}-${Math.trunc(stat.mtimeMs)}.bin`);
    let cachedData;
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
    const script = new vm.Script(Module.wrap(content.replace(/^#!.*/, '')), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) fresh.push({ script, cacheFile, name });
    const require = Module.createRequire(filename);
    return script
      .runInThisContext({ displayErrors: true })
      .call(this.exports, this.exports, require, this, filename, path.dirname(filename));
  };
  process.once('exit', () => {
    if (!fresh.length) return;
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      const existing = fs.readdirSync(cacheDir);
      for (const { script, cacheFile, name } of fresh) {
        // Write then rename: parallel runs (tests) must never read half a file.
        const tmp = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
        // Caches of older builds of this module are never read again.
        for (const f of existing)
          if (f.startsWith(`${name}.`) && f.endsWith('.bin') && f !== path.basename(cacheFile))
            fs.rmSync(path.join(cacheDir, f), { force: true });
      }
    } catch {
      // A cache that cannot be written only costs speed.
    }
  });
}

module.exports = { install };
