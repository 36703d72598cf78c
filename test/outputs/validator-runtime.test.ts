import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { RE2 } from 're2-wasm';
import { parseAllDocuments } from 'yaml';
import { sameInJavaScript } from '../../lib/outputs/validate/validator-runtime';
import { ROOT } from '../helpers';

/** Every `pattern` in the pinned CRDs. */
function crdPatterns(): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'pattern' && typeof x === 'string') out.add(x);
        else walk(x);
      }
    }
  };
  for (const f of fs.readdirSync(path.join(ROOT, 'crds')).filter((x) => x.endsWith('.yaml'))) {
    for (const d of parseAllDocuments(fs.readFileSync(path.join(ROOT, 'crds', f), 'utf8'))) walk(d.toJS());
  }
  return [...out];
}

describe('the regex engine of compiled validators', () => {
  const patterns = crdPatterns();

  test('leaves Go-only syntax and the constructs the two engines read differently to RE2', () => {
    for (const p of ['^[[:print:]]+$', '(?i:abc)', 'a.b', '^\\s+$', '\\p{L}', '[]a]', '\\Qa.b\\E', 'x{,3}'])
      expect(sameInJavaScript(p, 'u')).toBeUndefined();
    for (const p of ['^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', '^[-._a-zA-Z0-9]+$', '^\\d+\\.\\d+$'])
      expect(sameInJavaScript(p, 'u')).toBeInstanceOf(RegExp);
  });

  test('runs a pattern with JavaScript only where RE2 gives the same answer, on the pinned CRDs and random strings', () => {
    const fast = patterns.filter((p) => sameInJavaScript(p, 'u'));
    expect(patterns.length).toBeGreaterThan(20);
    expect(fast.length).toBeGreaterThan(10);
    const alphabet = ['a', 'Z', '0', '9', '-', '.', '_', '/', ':', ' ', '\r', '\n', '\t', 'é', '€', '*', '@', '=', ',', '[', ']'];
    const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 12 }).map((cs) => cs.join(''));
    for (const p of fast) {
      const js = sameInJavaScript(p, 'u')!;
      const re2 = new RE2(p, 'u');
      fc.assert(
        fc.property(text, (s) => js.test(s) === re2.test(s)),
        { numRuns: 300, seed: 42 },
      );
      // Strings the pattern accepts too, so agreement is not only on rejections.
      fc.assert(
        fc.property(fc.stringMatching(js, { size: 'small' }), (s) => re2.test(s)),
        { numRuns: 100, seed: 42 },
      );
    }
  });
});
