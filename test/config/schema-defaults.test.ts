/**
 * Every optional field of the stack schema documents its default in JSDoc (`@default`), the form
 * the docs and editors read: the shared parts and every engine's schema, including the files an
 * engine splits its schema into (`<engine>-<part>-schema.ts`, `<engine>-schema-parts.ts`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { ROOT } from '../helpers';

const ENGINES = fs.readdirSync(path.join(ROOT, 'lib/engines')).filter((e) => fs.existsSync(path.join(ROOT, 'lib/engines', e, 'index.ts')));
const engineFiles = (e: string) =>
  fs
    .readdirSync(path.join(ROOT, 'lib/engines', e))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `lib/engines/${e}/${f}`);
const SCHEMA_FILE = /\/[a-z0-9-]*schema[a-z0-9-]*\.ts$/;

const FILES = [
  'lib/config/schema-parts.ts',
  'lib/config/stack-schema.ts',
  ...ENGINES.flatMap(engineFiles).filter((f) => SCHEMA_FILE.test(f)),
];

/**
 * zod schemas in engine folders that are not stack fields, so carry no `@default` for users: the
 * chart values pgfleet writes, and the engine facts of the state file (`<engine>-facts.ts`).
 */
const NOT_STACK_SCHEMA = ['lib/engines/spilo/spilo-chart-values.ts', ...ENGINES.map((e) => `lib/engines/${e}/${e}-facts.ts`)];

/**
 * `name (line n)` of every object property whose value ends in `.default(…)`, `.optional()` or
 * `.prefault(…)` without `@default` in its JSDoc.
 */
function undocumentedDefaults(source: string): string[] {
  const sf = ts.createSourceFile('schema.ts', source, ts.ScriptTarget.Latest, true);
  const missing: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isPropertyAssignment(node) && ts.isCallExpression(node.initializer)) {
      const callee = node.initializer.expression;
      if (ts.isPropertyAccessExpression(callee) && ['default', 'optional', 'prefault'].includes(callee.name.text)) {
        const docs = ts
          .getJSDocCommentsAndTags(node)
          .map((d) => d.getText(sf))
          .join('\n');
        if (!docs.includes('@default'))
          missing.push(`${node.name.getText(sf)} (line ${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1})`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return missing;
}

describe('stack schema documentation', () => {
  test('covers every engine', () => {
    expect(ENGINES.length).toBe(5);
    for (const e of ENGINES) expect(FILES).toContain(`lib/engines/${e}/${e}-schema.ts`);
  });

  test('covers every engine file that declares zod fields, whatever part of the schema it holds', () => {
    const zodFiles = ENGINES.flatMap(engineFiles).filter((f) => /from 'zod'/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(zodFiles.filter((f) => !FILES.includes(f) && !NOT_STACK_SCHEMA.includes(f))).toEqual([]);
    expect(FILES).toContain('lib/engines/crunchy/crunchy-repo-schema.ts');
  });

  test.each(FILES)('every optional field of %s has @default in its JSDoc', (file) => {
    expect(undocumentedDefaults(fs.readFileSync(path.join(ROOT, file), 'utf8'))).toEqual([]);
  });

  test('the check finds a field without @default (so the test above can fail)', () => {
    expect(undocumentedDefaults('const x = z.object({\n  /** Steps. */\n  beforeDump: z.array(z.string()).default([]),\n});\n')).toEqual([
      'beforeDump (line 3)',
    ]);
  });
});
