/**
 * The shell the Patroni Jobs run lives in lib/engines/patroni/scripts/*.sh and is composed into one
 * script per Job (job-scripts.ts): shellcheck (Debian's 0.9.0) checks each script exactly as it is
 * rendered, and every file is part of one (without its shellcheck directive lines, which only serve
 * the file checked on its own: test/integration/standalone-shellcheck.test.ts).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withoutDirectives } from '../../lib/constructs/shell-script';
import { JOB_SCRIPTS } from '../../lib/engines/patroni/job-scripts';
import { describeWithTools, ROOT } from '../helpers';

const DIR = path.join(ROOT, 'lib', 'engines', 'patroni', 'scripts');

describeWithTools(['shellcheck'], 'shellcheck over the Patroni Job scripts', () => {
  test.each(Object.entries(JOB_SCRIPTS))('the %s script has no finding', (_name, script) => {
    const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', '-'], { input: script, encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  test('a finding fails the check (the check can fail)', () => {
    const r = spawnSync('shellcheck', ['--shell=bash', '-'], { input: 'rm -rf $dir/*\n', encoding: 'utf8' });
    expect(r.stdout).toContain('SC2086');
    expect(r.status).not.toBe(0);
  });

  test('every scripts/*.sh file is part of a Job script, verbatim but for its shellcheck directive lines', () => {
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.sh'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = withoutDirectives(fs.readFileSync(path.join(DIR, f), 'utf8'));
      expect([f, Object.values(JOB_SCRIPTS).some((s) => s.includes(text))]).toEqual([f, true]);
    }
  });
});
