/** Tests run TypeScript through swc (no type-check); `npm test` type-checks with tsc first. */
module.exports = {
  testEnvironment: 'node',
  // The Pulumi SDK keeps state on globals between suites; jest's clean-up would only warn about it.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
    // lib/**/*.sh imported as text, as the esbuild bundle does (scripts/build.js, lib/text-imports.d.ts).
    '^.+\\.sh$': '<rootDir>/scripts/jest-text-transform.js',
  },
  moduleFileExtensions: ['ts', 'js', 'json', 'sh'],
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  testTimeout: 120000,
  // Real-tool suites mostly wait on PostgreSQL and friends: one worker more than the 2 cores.
  maxWorkers: 3,
};
