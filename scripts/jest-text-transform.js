// jest transform: a file imported as text (lib/**/*.sh) becomes a module whose default export is
// its content, exactly what esbuild's text loader makes of it in the bundle (scripts/build.js).
'use strict';
module.exports = {
  process(source) {
    return { code: `module.exports = ${JSON.stringify(source)};` };
  },
};
