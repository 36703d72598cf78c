/**
 * Every problem at once, as the README shows: a target time without an offset does not hide a
 * shrinking volume in the same database entry, and what follows from a refused field is not
 * reported twice.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ConfigError } from '../../lib/config/config-error';
import { ENGINES } from '../../lib/engines';
import { stateOfFiles } from '../../lib/review/reviewed-object';
import { readStackDir } from '../../lib/outputs/write-stack';
import { ROOT, stackFrom } from '../helpers';

test("the README's two-problems example reproduces exactly", () => {
  const config = parse(fs.readFileSync(path.join(ROOT, 'stacks/Pulumi.indigo-prod.yaml'), 'utf8')).config;
  const db = config['pgfleet:databases'][0];
  db.generations.push({ name: 'forgejo-db-20261121', restoreFrom: { generation: 'forgejo-db', targetTime: '2026-11-20 08:00:00' } });
  db.serving = 'forgejo-db';
  db.storage.size = '40Gi';
  const previous = stateOfFiles(readStackDir(path.join(ROOT, 'dist/indigo-prod')), ENGINES, 'dist/indigo-prod');
  let message = '';
  try {
    stackFrom(config, { stack: 'indigo-prod', previous });
  } catch (e) {
    message = (e as ConfigError).message;
  }
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const shown = /```\n(stacks\/Pulumi\.indigo-prod\.yaml: 2 problems\n[\s\S]*?)```/.exec(readme)![1].trimEnd();
  expect(message.replace(/^test stack:/, 'stacks/Pulumi.indigo-prod.yaml:')).toBe(shown);
});
