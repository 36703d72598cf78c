import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { TargetTime } from '../../lib/config/target-time';
import { testWithTools, render, tempDir } from '../helpers';

/**
 * The CLONE_TARGET_TIME pgfleet renders is read twice in the Spilo pod: clone_with_wale.py parses
 * it with python-dateutil (and refuses a time without a zone) to pick the base backup, and
 * PostgreSQL reads it as `recovery_target_time`. Both must land on the instant the stack meant.
 */
const PG_BIN = '/usr/lib/postgresql/15/bin';
const targets = ['2022-06-05 08:00:00-08:00', '2022-06-05T16:00:00Z', '2026-11-20T08:00:00+05:30', '2026-11-20 08:00:00.250+01:00'];

function cloneTargetOf(targetTime: string): string {
  const r = render({
    'pgfleet:namespace': 'ns',
    'pgfleet:databases': [
      {
        name: 'ciip',
        engine: 'spilo',
        postgresVersion: 12,
        generations: [{ name: 'ciip-a' }, { name: 'ciip-b', restoreFrom: { generation: 'ciip-a', targetTime } }],
        serving: 'ciip-a',
        image: { tag: 'x1' },
        storage: { size: '1Gi' },
        backup: { bucket: 'ns-backups', serviceAccountKeySecret: 'gcp-key' },
      },
    ],
  });
  return parse(r.files.get('helmrelease-ciip-b.values.yaml')!).env.CLONE_TARGET_TIME;
}

// Debian's interpreter, where .ci/run installs python3-dateutil (a pyenv python3 may shadow it).
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** A test that needs a Python module of Debian's python3: skipped locally without it, failing in CI. */
function testWithPythonModule(name: string, title: string, fn: () => void): void {
  let present = true;
  try {
    execFileSync(PYTHON, ['-c', `import ${name}`], { stdio: 'ignore' });
  } catch {
    if (process.env.CI === 'true') throw new Error(`python3-${name} is required in CI (.ci/run installs it)`);
    present = false;
  }
  if (present) test(title, fn);
  else test.skip(`${title} [skipped: python3-${name} not found (apt-get install -y python3-${name})]`, () => undefined);
}

const rendered = targets.map((t) => ({ input: t, env: cloneTargetOf(t), epochMs: TargetTime.parse(t)!.epochMs }));

describe('CLONE_TARGET_TIME with the real parsers', () => {
  // python3 with dateutil, as in the Spilo image.
  testWithPythonModule('dateutil', 'python-dateutil (as clone_with_wale.py) finds a zone and the same instant', () => {
    const script = [
      'import json, sys',
      'from dateutil.parser import parse',
      'out = []',
      'for s in json.load(sys.stdin):',
      '    t = parse(s)',
      '    out.append(None if t.tzinfo is None else round(t.timestamp() * 1000))',
      'print(json.dumps(out))',
    ].join('\n');
    const out = execFileSync(PYTHON, ['-c', script], { input: JSON.stringify(rendered.map((r) => r.env)), encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(rendered.map((r) => r.epochMs));
    // The same parser refuses the zone-less form the stack schema rejects.
    expect(
      execFileSync(PYTHON, ['-c', 'from dateutil.parser import parse; print(parse("2022-06-05 08:00:00").tzinfo)'], {
        encoding: 'utf8',
      }).trim(),
    ).toBe('None');
  });

  testWithTools(
    [path.join(PG_BIN, 'initdb')],
    'PostgreSQL accepts it as recovery_target_time and reads the same instant in another zone',
    () => {
      const dir = tempDir('pgfleet-spilo-');
      const asRoot = process.getuid?.() === 0;
      const run = (bin: string, args: string[], input?: string) =>
        asRoot
          ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, bin), ...args], {
              input,
              encoding: 'utf8',
              stdio: ['pipe', 'pipe', 'pipe'],
              cwd: dir,
            })
          : execFileSync(path.join(PG_BIN, bin), args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
      try {
        if (asRoot) execFileSync('chown', ['postgres', dir]);
        const data = path.join(dir, 'data');
        run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
        for (const r of rendered) {
          // The GUC's check hook parses the value; -C prints it and exits without starting a server.
          expect(run('postgres', ['-D', data, '-C', 'recovery_target_time', '-c', `recovery_target_time=${r.env}`]).trim()).toBe(r.env);
        }
        // Single-user mode, server zone far from every offset used: the offset decides the instant.
        const sql = rendered
          .map((r, i) => `SELECT ${i} AS i, (extract(epoch from '${r.env}'::timestamptz) * 1000)::bigint AS ms;`)
          .join('\n');
        const out = run('postgres', ['--single', '-D', data, '-c', 'TimeZone=Pacific/Auckland', '-j', 'postgres'], `${sql}\n`);
        const ms = [...out.matchAll(/ms = "(-?\d+)"/g)].map((m) => Number(m[1]));
        expect(ms).toEqual(rendered.map((r) => r.epochMs));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
