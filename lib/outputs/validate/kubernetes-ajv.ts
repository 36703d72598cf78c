/**
 * The ajv instance CRD schemas are compiled with, configured as the API server validates:
 * Go regexes (RE2), kube-openapi formats, and the `x-kubernetes-*` keywords that change what is
 * accepted (int-or-string, list types). The keywords generate code rather than call closures,
 * so the same compiler produces the build-time (standalone) validators.
 */
import Ajv, { _, type KeywordCxt } from 'ajv';
import { stringify } from 'ajv/dist/compile/codegen';
import { useFunc } from 'ajv/dist/compile/util';
import addFormats from 'ajv-formats';
import { formats, listTypeDuplicate, regExp } from './validator-runtime';

/** Keywords that annotate without changing validity (CEL rules are checked elsewhere). */
const ANNOTATIONS = [
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-validations',
];

export interface KubernetesAjvOptions {
  /** Keep the generated source, for `ajv/dist/standalone`. @default false */
  readonly standalone?: boolean;
}

export function kubernetesAjv(options: KubernetesAjvOptions = {}): Ajv {
  const ajv = new Ajv({
    strict: false,
    logger: false,
    allErrors: true,
    inlineRefs: false,
    // ajv's code optimiser costs more than it saves for schemas compiled once.
    code: {
      regExp,
      optimize: false,
      ...(options.standalone ? { source: true, formats: _`require("./validator-runtime").formats` } : {}),
    },
  });
  addFormats(ajv);
  ajv.addFormat('duration', formats.duration);
  ajv.addKeyword({
    keyword: 'x-kubernetes-int-or-string',
    schemaType: 'boolean',
    error: { message: 'must be integer or string' },
    code(cxt: KeywordCxt) {
      if (cxt.schema !== true) return;
      const d = cxt.data;
      cxt.fail(_`!(typeof ${d} == "string" || (typeof ${d} == "number" && Number.isInteger(${d})))`);
    },
  });
  ajv.addKeyword({
    keyword: 'x-kubernetes-list-type',
    schemaType: 'string',
    error: { message: ({ params }) => _`${params.dup}.message` },
    code(cxt: KeywordCxt) {
      const { gen, data, schema, parentSchema } = cxt;
      const keys: unknown = parentSchema['x-kubernetes-list-map-keys'];
      const mapKeys = Array.isArray(keys) ? keys.map(String) : [];
      if (schema !== 'set' && !(schema === 'map' && mapKeys.length)) return;
      const fn = useFunc(gen, listTypeDuplicate);
      const dup = gen.const('dup', _`${fn}(${data}, ${schema}, ${stringify(mapKeys)})`);
      gen.if(_`${dup} !== undefined`, () => cxt.error(false, { dup }, { instancePath: gen.const('dupIndex', _`${dup}.index`) }));
    },
  });
  for (const keyword of ANNOTATIONS) ajv.addKeyword({ keyword });
  return ajv;
}
