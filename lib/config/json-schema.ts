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
