/**
 * Stack files in an editor: the real yaml-language-server (as VS Code's YAML extension runs it),
 * pointed at docs/stack-file.schema.json by the modeline every sample stack carries, completes
 * keys, checks an entry against its engine's fields only, and explains fields on hover.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, tempDir } from '../helpers';
import { YamlLanguageServer } from '../yaml-language-server';

const SCHEMA = path.join(ROOT, 'docs/stack-file.schema.json');
const modeline = (file: string) => `# yaml-language-server: $schema=${path.relative(path.dirname(file), SCHEMA)}`;

describe('stack files in an editor (yaml-language-server)', () => {
  let server: YamlLanguageServer;
  let dir: string;
  beforeAll(async () => {
    server = await YamlLanguageServer.start();
    dir = tempDir('pgfleet-lsp-');
  });
  afterAll(() => server.stop());

  const open = (name: string, text: string) => {
    const file = path.join(dir, name);
    return { uri: server.open(file, `${modeline(file)}\n${text}`), lines: [modeline(file), ...text.split('\n')] };
  };
  const indigo = () => fs.readFileSync(path.join(ROOT, 'stacks/Pulumi.indigo-prod.yaml'), 'utf8').split('\n').slice(1).join('\n');

  test('every sample stack carries the modeline, and gets no diagnostics', async () => {
    for (const f of fs.readdirSync(path.join(ROOT, 'stacks'))) {
      const text = fs.readFileSync(path.join(ROOT, 'stacks', f), 'utf8');
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../docs/stack-file.schema.json');
      const uri = server.open(path.join(ROOT, 'stacks', f), text);
      expect(await server.diagnosticsOf(uri)).toEqual([]);
    }
  });

  test('a typo in a CloudNativePG entry is reported once, against CloudNativePG fields only', async () => {
    const { uri } = open(
      'Pulumi.typo-dev.yaml',
      indigo().replace('retentionPolicy: 10d', 'retentionPolicy: 10d\n        retentionPolicyy: 10d'),
    );
    const diagnostics = await server.diagnosticsOf(uri);
    expect(diagnostics.map((d) => d.message)).toEqual(['Property retentionPolicyy is not allowed.']);
  });

  test('a Crunchy entry missing its users says so', async () => {
    const text = fs.readFileSync(path.join(ROOT, 'stacks/Pulumi.jobstore-dev.yaml'), 'utf8').split('\n').slice(1).join('\n');
    const { uri } = open('Pulumi.nousers-dev.yaml', text.replace(/\n {6}users:\n( {8}.*\n)+/, '\n'));
    expect((await server.diagnosticsOf(uri)).map((d) => d.message)).toContainEqual(expect.stringMatching(/Missing property "users"/));
  });

  test('completes the keys of a CloudNativePG backup block', async () => {
    const { uri, lines } = open(
      'Pulumi.complete-dev.yaml',
      indigo().replace('        retentionPolicy: 10d', '        retentionPolicy: 10d\n        '),
    );
    const line = lines.findIndex((l) => l.includes('retentionPolicy: 10d')) + 1;
    const labels = ((await server.completion(uri, line, 8)).items as { label: string }[]).map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(['method', 'endpointURL', 'compression', 'onDemand']));
  });
});
