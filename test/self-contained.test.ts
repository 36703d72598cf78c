/** The checkout carries what it needs: pinned CRDs with their provenance, nothing read from outside. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './helpers';

const readme = fs.readFileSync(path.join(ROOT, 'crds', 'README.md'), 'utf8');
const crdFiles = fs.readdirSync(path.join(ROOT, 'crds')).filter((f) => f.endsWith('.yaml'));

describe('vendored CRDs', () => {
  test.each(crdFiles)('%s is unmodified upstream: its git blob is the one crds/README.md records', (file) => {
    const blob = execFileSync('git', ['hash-object', path.join(ROOT, 'crds', file)], { encoding: 'utf8' }).trim();
    const row = readme.split('\n').find((l) => l.startsWith(`| \`${file}\``));
    expect(row).toBeDefined();
    expect(row).toContain(`\`${blob.slice(0, 12)}\``);
  });

  test('cdk8s.yaml imports every generated module from crds/', () => {
    const imports = fs
      .readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8')
      .split('\n')
      .filter((l) => /^\s+- /.test(l))
      .map((l) => l.replace(/^\s+- [\w-]+:=/, '').trim());
    expect(imports.length).toBe(fs.readdirSync(path.join(ROOT, 'imports')).length);
    for (const i of imports) {
      expect(i.startsWith('crds/')).toBe(true);
      expect(fs.existsSync(path.join(ROOT, i))).toBe(true);
    }
  });
});

describe('nothing at run time reads outside the checkout', () => {
  test('no product file names a path above the project', () => {
    const pattern = String.raw`\.\./shared|'\.\.', *'shared'`;
    let hits = '';
    try {
      hits = execFileSync(
        'git',
        ['grep', '--untracked', '-n', '-I', '-E', pattern, '--', 'lib', 'bin', 'scripts', 'cdk8s.yaml', 'Pulumi.yaml', 'package.json'],
        {
          cwd: ROOT,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
    } catch (e) {
      // git grep exits 1 when nothing matches.
      if ((e as { status?: number }).status !== 1) throw e;
    }
    expect(hits).toBe('');
  });
});
