import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { libraryYaml, manifestYaml } from '../../lib/outputs/manifest-yaml';
import { ROOT } from '../helpers';

/** Strings that stress quoting: YAML indicators, keywords, numbers, times, edge spaces, breaks, non-ASCII. */
const tricky = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'yes',
    'No',
    'ON',
    'null',
    '~',
    'y',
    '12',
    '0777',
    '1:20',
    '1e3',
    '.inf',
    '2026-01-01',
    '2026-01-01T00:00:00Z',
    '-',
    '- x',
    '? x',
    'a: b',
    'a:b',
    'x:',
    '#x',
    'x #y',
    "'x",
    '"x',
    '@x',
    '*x',
    '&x',
    '!x',
    '|x',
    '>x',
    '%x',
    '[x',
    '{x',
    'x,y',
    'é',
    'a\nb',
    'a\nb\n',
    '  a\nb\n',
    'a\n\n',
    '\ta',
    'x\t',
    '0 0 0 * * *',
    's3://b/p/',
    '/home/x',
    'postgres:15',
    '256Mi',
    '1.5Gi',
    '100m',
    '30min',
    '12h',
    '1e3',
    '1E3',
    '0x1F',
    '0b101',
    '1_000',
    '+1',
    '-1',
    '-1.5',
    '2001-12-14 21:59:43.10 -5',
    '2001-12-14t21:59:43.10-05:00',
    '0 2 * * *',
    '*/5 * * * *',
    '1 2',
    '12 Mi',
    '--quiet',
    '--port=5432',
    '-',
    '--',
    '---',
    '...',
    '-x y',
    '#!/bin/sh\nset -eu\n',
    'a\n  b\n',
    'a \nb',
    'a\n\n\nb',
    '---\nx',
    '...\n',
    'x\n...\ny\n',
    ' a\nb',
    'a\nb ',
    'a\r\nb',
    'é\nx',
  ),
  fc
    .array(
      fc.constantFrom(
        'a',
        'Z',
        '0',
        '9',
        ' ',
        '-',
        '_',
        '.',
        '/',
        ':',
        '#',
        "'",
        '"',
        '\\',
        ',',
        '[',
        ']',
        '{',
        '}',
        '?',
        '*',
        '&',
        '!',
        '|',
        '>',
        '%',
        '@',
        '`',
        '=',
        '\n',
        '\n',
        '\t',
        'é',
        '€',
        'M',
        'i',
        'm',
      ),
      { maxLength: 12 },
    )
    .map((cs) => cs.join('')),
);

const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    tricky,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    tie('list'),
    tie('map'),
  ),
  list: fc.array(tie('value'), { maxLength: 4 }),
  map: fc.dictionary(tricky, tie('value'), { maxKeys: 4 }),
})).value;

describe('manifest YAML', () => {
  test('is byte for byte what the yaml library writes, for every object of the sample fleet', () => {
    let n = 0;
    for (const stack of fs.readdirSync(path.join(ROOT, 'dist'))) {
      for (const f of fs.readdirSync(path.join(ROOT, 'dist', stack)).filter((x) => x.endsWith('.yaml'))) {
        const obj = parse(fs.readFileSync(path.join(ROOT, 'dist', stack, f), 'utf8'));
        expect(manifestYaml(obj)).toBe(libraryYaml(obj));
        n++;
      }
    }
    expect(n).toBeGreaterThan(100);
  });

  test('is what the yaml library writes for any JSON-like object, however its strings need quoting', () => {
    fc.assert(
      fc.property(fc.dictionary(tricky, value, { minKeys: 1, maxKeys: 5 }), (obj) => manifestYaml(obj) === libraryYaml(obj)),
      { numRuns: 3000, seed: 20261206 },
    );
  });

  test('reads back as the same value', () => {
    fc.assert(
      fc.property(fc.dictionary(tricky, value, { minKeys: 1, maxKeys: 5 }), (obj) => {
        expect(parse(manifestYaml(obj), { version: '1.1' })).toEqual(JSON.parse(JSON.stringify(obj)));
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});
