/**
 * Every optional field of the stack schema documents its default in JSDoc (`@default`), the form
 * the docs and editors read: the shared parts and every engine's schema.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { ROOT } from '../helpers';

const FILES = [
  'lib/config/schema-parts.ts',
  'lib/config/stack-schema.ts',
  ...fs.readdirSync(path.join(ROOT, 'lib/engines')).flatMap((e) => {
    const f = `lib/engines/${e}/${e}-schema.ts`;
    return fs.existsSync(path.join(ROOT, f)) ? [f] : [];
  }),
];

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
    expect(FILES.length).toBe(2 + 5);
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
