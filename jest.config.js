/** Tests run TypeScript through swc (no type-check); `npm test` type-checks with tsc first. */
module.exports = {
  testEnvironment: 'node',
  // The Pulumi SDK keeps state on globals between suites; jest's clean-up would only warn about it.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
    // Shell scripts imported as text (lib/text-imports.d.ts), as esbuild's text loader bundles them.
    '^.+\\.sh$': '<rootDir>/scripts/text-transform.js',
    // The CEL evaluator ships as ES modules only; jest loads CommonJS (the build bundles it).
    '/node_modules/@marcbachmann/cel-js/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@marcbachmann/cel-js/)'],
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  testTimeout: 120000,
  // Real-tool suites mostly wait on PostgreSQL and friends: one worker more than the 2 cores.
  maxWorkers: 3,
  testSequencer: '<rootDir>/scripts/test-sequencer.js',
};
