/**
 * Stack files in an editor: the real yaml-language-server (as VS Code's YAML extension runs it),
 * pointed at docs/stack-file.schema.json by the modeline every sample stack carries, completes
 * keys, checks an entry against its engine's fields only, and explains fields on hover.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
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

  test('without the modeline, the yaml.schemas setting the README gives maps stack files to the schema', async () => {
    await server.configure({ schemas: { './docs/stack-file.schema.json': 'stacks/Pulumi.*.yaml' } });
    const text = indigo().replace('retentionPolicy: 10d', 'retentionPolicy: 10d\n        retentionPolicyy: 10d');
    // Never written to disk: the editor sends the text, the file name only has to match the glob.
    const uri = server.open(path.join(ROOT, 'stacks/Pulumi.no-modeline-dev.yaml'), text);
    expect((await server.diagnosticsOf(uri)).map((d) => d.message)).toEqual(['Property retentionPolicyy is not allowed.']);
    await server.configure({});
  });

  test('a Crunchy entry missing its users says so', async () => {
    const text = fs.readFileSync(path.join(ROOT, 'stacks/Pulumi.jobstore-dev.yaml'), 'utf8').split('\n').slice(1).join('\n');
    const { uri } = open('Pulumi.nousers-dev.yaml', text.replace(/\n {6}users:\n( {8}.*\n)+/, '\n'));
    expect((await server.diagnosticsOf(uri)).map((d) => d.message)).toContainEqual(expect.stringMatching(/Missing property "users"/));
  });

  test('explains a field on hover: its description, default and example', async () => {
    const { uri, lines } = open('Pulumi.hover-dev.yaml', indigo());
    const line = lines.findIndex((l) => l.includes('retentionPolicy: 10d'));
    const hover = await server.hover(uri, line, lines[line].indexOf('retentionPolicy') + 3);
    expect(hover.contents.value).toBe(
      [
        '#### pgfleet stack file\n',
        'Barman recovery window: days, weeks or months. Default: 30d.\n',
        'Example:\n\n```yaml\n10d\n```\n',
        'Example:\n\n```yaml\n4w\n```\n',
        `Source: [stack-file.schema.json](${pathToFileURL(SCHEMA).href})`,
      ].join('\n'),
    );
  });

  test("completes the fields of a CloudNativePG database entry, and no other engine's", async () => {
    const { uri, lines } = open('Pulumi.entry-dev.yaml', indigo().replace('      instances: 1\n', '      instances: 1\n      \n'));
    const line = lines.findIndex((l) => l.includes('instances: 1')) + 1;
    const items = (await server.completion(uri, line, 6)).items as { label: string; documentation?: unknown }[];
    const labels = items.map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(['imageCatalog', 'primaryUpdateStrategy', 'owner', 'recovery', 'decommission']));
    // Crunchy's users and backups, Spilo's image and chart, Patroni's images, standalone's superuser.
    for (const other of ['users', 'backups', 'chart', 'images', 'superuser']) expect(labels).not.toContain(other);
    expect(JSON.stringify(items.find((i) => i.label === 'imageCatalog')!.documentation)).toContain(
      'The image catalog that maps majors to images.',
    );
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
