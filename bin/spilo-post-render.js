#!/usr/bin/env node
// Helm post-renderer of the Spilo engine's releases (the Pulumi program passes it as `postrender`;
// by hand: `helm upgrade --install ... --post-renderer bin/spilo-post-render.js`). It reads the
// rendered chart on stdin and prints it with pgfleet's changes (lib/engines/spilo/spilo-post-render.ts).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const build = path.join(root, 'scripts', 'build.js');
if (fs.existsSync(build)) require(build).build();
require('../build/spilo-post-render.js').main();
