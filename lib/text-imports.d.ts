/**
 * Files imported as text: `import script from './x.sh'` gives the file's content as a string,
 * so scripts live in files of their own (shellcheck-able, no escaping) and still ship inside the
 * one bundle. Any `lib/**\/*.sh` works: esbuild's text loader does it in scripts/build.js, the
 * transform scripts/text-transform.js in jest.
 */
declare module '*.sh' {
  const text: string;
  export default text;
}
