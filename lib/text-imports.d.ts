/**
 * Files imported as text: `import script from './scripts/backup-job.sh'` gives the file's content
 * as a string. Shell that rendered Jobs run lives in `lib/**\/*.sh` (so shellcheck and editors see
 * it as shell), and is bundled by esbuild's text loader (scripts/build.js) and loaded by a jest
 * transform in tests (scripts/jest-text-transform.js): one mechanism for every engine.
 */
declare module '*.sh' {
  const text: string;
  export default text;
}
