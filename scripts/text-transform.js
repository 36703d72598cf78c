// Jest transform for files imported as text (`lib/**/*.sh`, see lib/text-imports.d.ts): the
// module's default export is the file's content, as esbuild's text loader gives it in the bundle.
'use strict';
module.exports = {
  process(source) {
    return { code: `module.exports = { __esModule: true, default: ${JSON.stringify(source)} };` };
  },
};
