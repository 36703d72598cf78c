import { z } from 'zod';
import { CONFIG_NAMESPACE } from './load-stack';
import { type EngineSchema, stackSchemaOf } from './stack-schema';

/**
 * JSON Schema of a stack file (`Pulumi.<stack>.yaml`), for editor completion and checks. It
 * describes the `config:` mapping with pgfleet's keys prefixed as Pulumi writes them; the
 * cross-field rules (restore sources, cutover, transitions) are checked by `pgfleet synth`.
 */
export function stackFileJsonSchema(engines: readonly EngineSchema[]): Record<string, unknown> {
  const inner = z.toJSONSchema(stackSchemaOf(engines).stack, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as {
    properties: Record<string, unknown>;
    required?: string[];
    $defs?: Record<string, unknown>;
  };
  const prefixed = (k: string) => `${CONFIG_NAMESPACE}:${k}`;
  const databases = inner.properties.databases as { items?: { oneOf?: Record<string, any>[] } } | undefined;
  if (databases?.items?.oneOf) databases.items = byEngine(databases.items.oneOf);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://pgfleet.dev/schema/stack-file.json',
    title: 'pgfleet stack file',
    type: 'object',
    properties: {
      config: {
        type: 'object',
        properties: Object.fromEntries(Object.entries(inner.properties).map(([k, v]) => [prefixed(k), v])),
        required: (inner.required ?? []).map(prefixed),
        // Other providers' keys (e.g. kubernetes:context) belong to Pulumi.
        patternProperties: { [`^(?!${CONFIG_NAMESPACE}:)`]: {} },
        additionalProperties: false,
      },
    },
    required: ['config'],
    ...(inner.$defs ? { $defs: inner.$defs } : {}),
  };
}

/**
 * The database entry as one schema per engine chosen by its `engine` key (if/then), instead of a
 * `oneOf` of all five: an editor then checks a CloudNativePG entry against CloudNativePG's fields
 * only, and a typo in it does not also report the missing fields of every other engine.
 */
function byEngine(branches: readonly Record<string, any>[]): Record<string, unknown> {
  const nameOf = (b: Record<string, any>) => b.properties?.engine?.const as string;
  const names = branches.map(nameOf);
  return {
    type: 'object',
    required: ['engine'],
    properties: {
      engine: {
        enum: names,
        description: `The operator that runs this database: ${names.join(', ')}. Decides which fields the entry takes.`,
      },
    },
    allOf: branches.map((b) => ({ if: { properties: { engine: { const: nameOf(b) } }, required: ['engine'] }, then: b })),
  };
}
