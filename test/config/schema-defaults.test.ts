/**
 * The stack file JSON Schema (docs/stack-file.schema.json) documents every field for editors: each
 * property has a description, and each optional one says its default, either as `default` (from
 * zod's `.default()`) or in prose ("Default: …"). The text comes from the zod schemas' `.meta()`.
 */
import { stackFileJsonSchema } from '../../lib/config/json-schema';
import { ENGINES } from '../../lib/engines';

type Json = Record<string, any>;

interface Property {
  readonly path: string;
  readonly schema: Json;
  readonly required: boolean;
}

/**
 * Every property of every object schema below `node`. `if` subschemas are left out: they test a
 * value (`engine: cnpg`), they are not fields a user writes.
 */
function propertiesOf(node: unknown, path = '#'): Property[] {
  if (Array.isArray(node)) return node.flatMap((x, i) => propertiesOf(x, `${path}/${i}`));
  if (!node || typeof node !== 'object') return [];
  const n = node as Json;
  const own: Property[] = Object.entries((n.properties ?? {}) as Json).map(([k, schema]) => ({
    path: `${path}/properties/${k}`,
    schema,
    required: (n.required ?? []).includes(k),
  }));
  const below = Object.entries(n)
    .filter(([k]) => k !== 'if')
    .flatMap(([k, v]) => propertiesOf(v, `${path}/${k}`));
  return [...own, ...below];
}

const undescribed = (ps: Property[]) => ps.filter((p) => typeof p.schema.description !== 'string' || !p.schema.description.trim());
const defaultUnsaid = (ps: Property[]) =>
  ps.filter((p) => !p.required && !('default' in p.schema) && !/\bDefault: \S/.test(p.schema.description ?? ''));
const paths = (ps: Property[]) => ps.map((p) => p.path);

describe('stack file JSON Schema documentation', () => {
  const schema = stackFileJsonSchema(ENGINES) as Json;
  const properties = propertiesOf(schema);

  test('every property has a description', () => {
    expect(paths(undescribed(properties))).toEqual([]);
  });

  test('every optional property has a default, or says its default in its description', () => {
    expect(paths(defaultUnsaid(properties))).toEqual([]);
  });

  test('descriptions carry no JSDoc tags, and say a default zod knows as the value it is', () => {
    expect(paths(properties.filter((p) => /@(default|see|param)\b/.test(p.schema.description ?? '')))).toEqual([]);
    const retention = properties.find((p) => p.path.endsWith('/properties/backup/properties/retentionPolicy'))!.schema;
    expect(retention).toMatchObject({ default: '30d', description: 'Barman recovery window: days, weeks or months. Default: 30d.' });
  });

  test('the database entry is chosen by engine: one branch per engine, each requiring engine with its const', () => {
    const items = schema.properties.config.properties['pgfleet:databases'].items;
    expect(items.required).toEqual(['engine']);
    expect(items.properties.engine.enum).toEqual(ENGINES.map((e) => e.name));
    expect(items.allOf.map((b: Json) => [b.if, b.then.properties.engine.const])).toEqual(
      ENGINES.map((e) => [{ properties: { engine: { const: e.name } }, required: ['engine'] }, e.name]),
    );
  });

  test('the checks find an undescribed property and an unsaid default (so the tests above can fail)', () => {
    const sample = propertiesOf({
      properties: {
        size: { type: 'string', description: 'Volume size.' },
        storageClass: { type: 'string', description: 'StorageClass of the volume.' },
        tags: { type: 'object', default: {} },
        cond: { if: { properties: { engine: { const: 'cnpg' } } } },
      },
      required: ['size'],
    });
    expect(paths(undescribed(sample))).toEqual(['#/properties/tags', '#/properties/cond']);
    expect(paths(defaultUnsaid(sample))).toEqual(['#/properties/storageClass', '#/properties/cond']);
  });
});
