/** The rule matcher and field diff the review is built on. */
import { step, type ChangeContext, type ChangeRule } from '../../lib/engines/change-rule';
import { classifyObject, type ObjectVars } from '../../lib/review/classify';
import { fieldDiff } from '../../lib/review/field-diff';
import { formatPath, matchPrefix } from '../../lib/review/field-path';
import type { ReviewedObject } from '../../lib/review/reviewed-object';
import { useColor } from '../../lib/review/style';

describe('field paths', () => {
  const path = [{ key: 'metadata' }, { key: 'annotations' }, { key: 'postgres-operator.crunchydata.com/pgbackrest-restore' }];
  const env = [
    { key: 'spec' },
    { key: 'containers' },
    { index: 0, name: 'postgres' },
    { key: 'env' },
    { index: 3, name: 'PGVERSION' },
    { key: 'value' },
  ];

  test('keys with dots and slashes match literally, at segment boundaries', () => {
    expect(matchPrefix('metadata.annotations.postgres-operator.crunchydata.com/pgbackrest-restore', path)).toBe(3);
    expect(matchPrefix('metadata.annotations', path)).toBe(2);
    expect(matchPrefix('metadata.annot', path)).toBeUndefined();
    expect(matchPrefix('', path)).toBe(0);
  });

  test('[*], [index] and [name=x] select list elements', () => {
    expect(matchPrefix('spec.containers[*].env[*].value', env)).toBe(6);
    expect(matchPrefix('spec.containers[0].env[name=PGVERSION]', env)).toBe(5);
    expect(matchPrefix('spec.containers[*].env[name=CLONE_SCOPE]', env)).toBeUndefined();
    expect(matchPrefix('spec.containers[1]', env)).toBeUndefined();
    expect(formatPath(env)).toBe('spec.containers[name=postgres].env[name=PGVERSION].value');
  });
});

describe('field diff', () => {
  test('lists of named elements are compared by name: an insertion does not shift the others', () => {
    const before = {
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
    };
    const after = {
      env: [
        { name: 'NEW', value: '0' },
        { name: 'A', value: '1' },
        { name: 'B', value: '3' },
      ],
    };
    expect(fieldDiff(before, after).map((f) => [formatPath(f.path), f.before, f.after])).toEqual([
      ['env[name=B].value', '2', '3'],
      ['env[name=NEW].name', undefined, 'NEW'],
      ['env[name=NEW].value', undefined, '0'],
    ]);
  });

  test('lists of plain values are one change, old → new', () => {
    expect(fieldDiff({ a: ['x'] }, { a: ['y', 'x'] })).toEqual([{ path: [{ key: 'a' }], before: ['x'], after: ['y', 'x'] }]);
  });

  test('equal values give nothing', () => {
    expect(fieldDiff({ a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 2 }] } })).toEqual([]);
  });
});

describe('rule matching', () => {
  const ctx = (dataBearing: boolean): ChangeContext => ({ dataBearing, newGeneration: false, retiring: false, state: {}, serving: {} });
  const obj = (manifest: Record<string, any>): ReviewedObject => ({
    file: 'x-a.yaml',
    apiKind: 'v1 X',
    kind: 'X',
    name: 'a',
    manifest,
    dependsOn: [],
  });
  const vars: ObjectVars = { name: 'a', namespace: 'ns', kind: 'X', stack: 'test-prod' };
  const classify = (rules: ChangeRule[], before: object, after: object, dataBearing = true, generic: ChangeRule[] = []) =>
    classifyObject({ before: obj(before), after: obj(after), context: ctx(dataBearing), rules, generic, vars }).map(
      (c) => `${c.path} ${c.class} ${c.reasons[0].why}`,
    );

  test('the longest path wins, then the first rule listed whose `when` holds', () => {
    const rules: ChangeRule[] = [
      { kind: 'v1 X', path: 'spec', class: 'restart', why: () => 'spec' },
      {
        kind: 'v1 X',
        path: 'spec.n',
        when: (b, a) => (a as number) > (b as number),
        class: 'safe',
        why: (v) => `up ${v.before} → ${v.after}`,
      },
      { kind: 'v1 X', path: 'spec.n', class: 'downtime', why: () => 'down' },
    ];
    expect(classify(rules, { spec: { n: 1, m: 1 } }, { spec: { n: 2, m: 2 } })).toEqual(['spec restart spec', 'spec.n safe up 1 → 2']);
    expect(classify(rules, { spec: { n: 2 } }, { spec: { n: 1 } })).toEqual(['spec.n downtime down']);
  });

  test('`on` is judged at the rule path; `dataBearing` restricts a rule', () => {
    const rules: ChangeRule[] = [
      { kind: 'v1 X', path: 'spec.a', on: 'added', class: 'safe', why: () => 'added' },
      { kind: '*', path: 'spec', dataBearing: false, class: 'no-op', why: () => 'light' },
    ];
    expect(classify(rules, { spec: {} }, { spec: { a: { deep: 1 } } })).toEqual(['spec.a safe added']);
    expect(classify(rules, { spec: { a: 1 } }, { spec: { a: 2 } })).toEqual([
      'spec.a restart no rule for this field of an object holding data: review by hand (assumed to restart the database)',
    ]);
    expect(classify(rules, { spec: { a: 1 } }, { spec: { a: 2 } }, false)).toEqual(['spec no-op light']);
  });

  test('engine rules before generic ones, whatever their paths', () => {
    const engine: ChangeRule[] = [{ kind: 'v1 X', path: 'spec', class: 'restart', why: () => 'engine' }];
    const generic: ChangeRule[] = [{ kind: '*', path: 'spec.n', class: 'safe', why: () => 'generic' }];
    expect(classify(engine, { spec: { n: 1 } }, { spec: { n: 2 } }, true, generic)).toEqual(['spec restart engine']);
  });

  test('unruled fields of an object holding no data are one safe change', () => {
    expect(classify([], { a: 1, b: { c: 1 } }, { a: 2, b: { c: 2 } }, false)).toEqual([' safe updated in place; the object holds no data']);
  });

  test("texts are built from the change's variables; each step keeps its section", () => {
    const rules: ChangeRule[] = [
      {
        kind: 'v1 X',
        path: 'spec.n',
        class: 'safe',
        why: (v) => `${v.kind} ${v.name} in ${v.generation ?? '<generation>'}: ${v.before} → ${v.after}`,
        steps: [step.check((v) => `\`kubectl -n ${v.namespace} get x ${v.name}\` shows ${v.after}`)],
      },
    ];
    const [c] = classifyObject({
      before: obj({ spec: { n: 1 } }),
      after: obj({ spec: { n: 2 } }),
      context: ctx(true),
      rules,
      generic: [],
      vars,
    });
    expect(c.reasons[0].why).toBe('X a in <generation>: 1 → 2');
    expect(c.steps).toEqual([{ section: 'check', text: '`kubectl -n ns get x a` shows 2' }]);
  });

  test('a variable that does not exist is a type error, not text left as written', () => {
    // @ts-expect-error RuleVars has no `nope`.
    const rule: ChangeRule = { kind: 'v1 X', path: 'spec', class: 'safe', why: (v) => `${v.nope}` };
    expect(rule.kind).toBe('v1 X');
  });
});

test('colour only on a terminal, and never with NO_COLOR set', () => {
  expect(useColor({ isTTY: true }, {})).toBe(true);
  expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
  expect(useColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
  expect(useColor({ isTTY: false }, {})).toBe(false);
});
