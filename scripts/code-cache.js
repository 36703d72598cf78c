// V8 code cache for the bundles and validators in build/: Node 20 has no module compile cache
// (22 adds one), and compiling the 4 MB bundle and the CRD validators is a third of a synth.
// The cache is written after a run, so it also holds the functions that run compiled lazily;
// V8 rejects a cache whose source or V8 version differs, and the module is then compiled anew.
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
    const cacheFile = path.join(cacheDir, `${path.relative(dir, filename).split(path.sep).join('_')}.bin`);
    let cachedData;
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
    const script = new vm.Script(Module.wrap(content.replace(/^#!.*/, '')), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) fresh.push({ script, cacheFile });
    const require = Module.createRequire(filename);
    return script
      .runInThisContext({ displayErrors: true })
      .call(this.exports, this.exports, require, this, filename, path.dirname(filename));
  };
  process.once('exit', () => {
    if (!fresh.length) return;
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      for (const { script, cacheFile } of fresh) {
        // Write then rename: parallel runs (tests) must never read half a file.
        const tmp = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
      }
    } catch {
      // A cache that cannot be written only costs speed.
    }
  });
}

module.exports = { install };
