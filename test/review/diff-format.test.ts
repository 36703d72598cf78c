/** The three output formats of `pgfleet diff`: one snapshot each, paired with focused checks. */
import { formatDiff } from '../../lib/review/format-diff';
import { forgejo, pitr, retiredOld, settled } from './cnpg-stacks';
import { change } from './review-scenarios';

const upgrade = () => change(forgejo(), forgejo({ postgresVersion: 18 })).diff;

describe('pgfleet diff output', () => {
  test('text: per object, field paths old → new, classes with why, the gate with what to add', () => {
    const text = formatDiff([change(forgejo(), pitr).diff, upgrade()], 'text');
    expect(text).toMatchSnapshot();
    expect(text).toContain('      irreversible, downtime  spec.imageCatalogRef.major: 17 → 18\n');
    expect(text).toContain(
      '  gate: FAILS: 1 change not acknowledged\n    to accept, add to pgfleet:databases[0].acknowledge in the stack file:\n        acknowledge:\n          - irreversible:forgejo-db',
    );
    expect(text).not.toMatch(/\u001b\[/);
  });

  test('text in colour: classes coloured, dangerous ones bold', () => {
    const text = formatDiff([upgrade()], 'text', { color: true });
    expect(text).toContain('\u001b[1m\u001b[35mirreversible\u001b[39m\u001b[22m');
    expect(text).toContain('\u001b[32msafe\u001b[39m');
  });

  test('markdown: a table for the pull request and the YAML to add', () => {
    const md = formatDiff([upgrade()], 'markdown');
    expect(md).toMatchSnapshot();
    expect(md).toContain('| ~ | `Cluster forgejo/forgejo-db` | `spec.imageCatalogRef.major`: `17` → `18` | **irreversible**, downtime |');
    expect(md).toContain('add to `pgfleet:databases[0].acknowledge`:\n\n```yaml\nacknowledge:\n  - irreversible:forgejo-db\n```');
  });

  test('markdown: a retirement passes, acknowledged by the retired list', () => {
    const md = formatDiff([change(settled, retiredOld).diff], 'markdown');
    expect(md).toContain('### test-prod: gate passes');
    expect(md).toContain('✅ `destroys-data:forgejo-db` acknowledged (the stack retires it by name)');
  });

  test('json: the same facts, machine-readable', () => {
    const json = JSON.parse(formatDiff([upgrade()], 'json'));
    expect(json.ok).toBe(false);
    expect(json.changed).toBe(true);
    const cluster = json.stacks[0].objects[0];
    expect(cluster).toMatchObject({
      file: 'cluster-forgejo-db.yaml',
      kind: 'Cluster',
      op: 'changed',
      class: 'irreversible',
      dataBearing: true,
      generation: 'forgejo-db',
    });
    expect(cluster.changes[0].fields).toEqual([{ path: 'spec.imageCatalogRef.major', before: 17, after: 18 }]);
    expect(json.stacks[0].gate.missing).toEqual([
      {
        name: 'irreversible:forgejo-db',
        class: 'irreversible',
        database: 'forgejo',
        acknowledged: false,
        configPath: 'pgfleet:databases[0].acknowledge',
      },
    ]);
  });

  test('an unchanged stack says so in every format', () => {
    const d = change(forgejo(), forgejo()).diff;
    expect(formatDiff([d], 'text')).toBe(
      'test-prod (compared with HEAD:dist/test-prod)\n  no changes\n\nno changes: the stacks synthesize what HEAD:dist/test-prod holds\n',
    );
    expect(formatDiff([d], 'markdown')).toBe('## pgfleet diff\n\nNo changes in `test-prod`.\n');
    expect(JSON.parse(formatDiff([d], 'json'))).toMatchObject({ ok: true, changed: false });
  });

  test('markdown for a pull request: the stack that changes in full, the ten others in one line', () => {
    const same = change(forgejo(), forgejo()).diff;
    const changed = upgrade();
    const others = Array.from({ length: 10 }, (_, i) => ({ ...same, stack: `other-${i}` }));
    const md = formatDiff([changed, ...others], 'markdown');
    expect(md.match(/^### /gm)).toHaveLength(1);
    expect(md).toContain(`No changes in ${others.map((o) => `\`${o.stack}\``).join(', ')}.`);
  });
});
