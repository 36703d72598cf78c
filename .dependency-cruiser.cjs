/**
 * The import graph as docs/architecture.md draws it: data flows one way, config → model →
 * constructs/engines → outputs → review → cli/pulumi, and no module imports from a later layer.
 * Engines stay in their own folder; only entry points import the registry. `npm test` runs this.
 */
const layer = {
  config: '^lib/config/',
  model: '^lib/model/',
  constructs: '^lib/constructs/',
  engines: '^lib/engines/',
  outputs: '^lib/outputs/',
  review: '^lib/review/',
  cli: '^lib/cli/',
  pulumi: '^lib/pulumi/',
};
const later = (...names) => names.map((n) => layer[n]);

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'import cycles hide a wrong split of concerns', from: {}, to: { circular: true } },
    {
      name: 'config-imports-config-only',
      severity: 'error',
      from: { path: layer.config },
      to: { path: later('model', 'constructs', 'engines', 'outputs', 'review', 'cli', 'pulumi') },
    },
    {
      name: 'model-imports-no-later-layer',
      severity: 'error',
      from: { path: layer.model },
      to: { path: later('constructs', 'engines', 'outputs', 'review', 'cli', 'pulumi') },
    },
    {
      name: 'constructs-import-no-later-layer',
      severity: 'error',
      from: { path: layer.constructs },
      to: { path: later('engines', 'outputs', 'review', 'cli', 'pulumi') },
    },
    {
      name: 'engines-import-no-later-layer',
      severity: 'error',
      from: { path: layer.engines },
      to: { path: later('outputs', 'review', 'cli', 'pulumi') },
    },
    {
      name: 'outputs-import-no-later-layer',
      severity: 'error',
      from: { path: layer.outputs },
      to: { path: later('review', 'cli', 'pulumi') },
    },
    { name: 'review-imports-no-entry-point', severity: 'error', from: { path: layer.review }, to: { path: later('cli', 'pulumi') } },
    {
      name: 'engine-folders-are-separate',
      severity: 'error',
      comment: 'an engine uses another only through the engine interface',
      from: { path: '^lib/engines/([^/]+)/' },
      to: { path: '^lib/engines/[^/]+/', pathNot: '^lib/engines/$1/' },
    },
    {
      name: 'registry-only-in-entry-points',
      severity: 'error',
      comment: 'layers get the engines from the config boundary, not from the registry',
      from: { path: '^lib/', pathNot: ['^lib/cli/', '^lib/pulumi/'] },
      to: { path: '^lib/engines/index\\.ts$' },
    },
    {
      name: 'no-engine-folder-outside-engines',
      severity: 'error',
      comment: 'other layers know engines only through lib/engines/engine.ts and the rule types',
      from: { path: '^lib/', pathNot: ['^lib/engines/', '^lib/cli/', '^lib/pulumi/'] },
      to: { path: '^lib/engines/[^/]+/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(build|dist|imports|node_modules)/' },
  },
};
