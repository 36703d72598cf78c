/**
 * The JSON Schema editors use (docs/stack-file.schema.json) knows engine migration: a database
 * entry's block per other engine and generations on another engine, each checked as that
 * engine's own schema would.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { stackFileJsonSchema } from '../../lib/config/json-schema';
import { ENGINES } from '../../lib/engines';
import { ROOT } from '../helpers';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(stackFileJsonSchema(ENGINES));
const ciipDev = () => parse(fs.readFileSync(path.join(ROOT, 'stacks', 'Pulumi.cas-ciip-dev.yaml'), 'utf8')) as Record<string, any>;

describe('the stack file JSON Schema and engine migration', () => {
  test.each(fs.readdirSync(path.join(ROOT, 'stacks')).filter((f) => f.endsWith('.yaml')))('%s validates', (f) => {
    expect(validate(parse(fs.readFileSync(path.join(ROOT, 'stacks', f), 'utf8')))).toBe(true);
  });

  test.each([
    ['a misspelt key in the cnpg block', (db: any) => (db.cnpg.instancez = 2)],
    ['a misspelt key in migrateFrom', (db: any) => (db.generations[1].migrateFrom.generaton = 'x')],
    ['a Spilo-only field on the cnpg generation', (db: any) => (db.generations[1].backupLocation = 'wal')],
    ['an unknown engine on a generation', (db: any) => (db.generations[1].engine = 'cockroach')],
  ])('rejects %s', (_what, edit) => {
    const stack = ciipDev();
    edit(stack.config['pgfleet:databases'][0]);
    expect(validate(stack)).toBe(false);
  });
});
