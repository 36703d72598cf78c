/**
 * Files imported as text: `import script from './x.sh'` gives the file's content as a string, so
 * scripts live in files of their own (no escaping, readable, shellcheck-able) and still ship inside
 * the one bundle. Any `lib/**\/*.sh` works: esbuild's text loader bundles it (scripts/build.js),
 * the transform scripts/text-transform.js gives jest the same text (jest.config.js). Each file
 * names its dialect on its first line (`# shellcheck shell=bash` or `sh`), and
 * test/integration/standalone-shellcheck.test.ts runs shellcheck on every one of them. Scripts are
 * put together with shellScript (lib/constructs/shell-script.ts), which leaves those directive
 * lines out of the manifests.
 */
declare module '*.sh' {
  const text: string;
  export default text;
}
