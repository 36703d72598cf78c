#!/usr/bin/env node
// Runs the compiled CLI; `npm run build` (or any npm script) compiles it first.
require('../build/lib/cli/main.js').main(process.argv);
