/**
 * How scripts are composed from `.sh` files (lib/constructs/shell-script.ts), and that every
 * composed script pgfleet renders went through it: no shellcheck directive line reaches a manifest.
 */
import { shellScript, withoutDirectives } from '../../lib/constructs/shell-script';
import { DRILL_PRELUDE } from '../../lib/constructs/drill-scripts';
import { CNPG_DRILL_SCRIPT } from '../../lib/engines/cnpg/cnpg-drill-script';
import { CRUNCHY_DRILL_SCRIPT } from '../../lib/engines/crunchy/crunchy-drill-script';
import { JOB_SCRIPTS } from '../../lib/engines/patroni/job-scripts';
import { PATRONI_DRILL_SCRIPT } from '../../lib/engines/patroni/patroni-drill-script';
import { SPILO_DRILL_SCRIPT } from '../../lib/engines/spilo/spilo-drill-script';
import * as dumpScripts from '../../lib/engines/standalone/dump-scripts';
import { STANDALONE_DRILL_SCRIPT } from '../../lib/engines/standalone/standalone-drill-script';

describe('shellScript', () => {
  test('drops the lines that are only shellcheck directives, wherever they are, and keeps every other line', () => {
    const first = [
      '# shellcheck shell=bash',
      '# shellcheck disable=SC2034 # RESTORE_COMMAND is read by the prelude',
      '# the drill: restore, then check (shellcheck passes)',
      'RESTORE_COMMAND=x',
      '  # shellcheck disable=SC2086 # an indented one',
      'echo "# shellcheck shell=sh is only text here"',
      '',
    ].join('\n');
    expect(shellScript(first, '# shellcheck source=/dev/null\nrun_check')).toBe(
      [
        '# the drill: restore, then check (shellcheck passes)',
        'RESTORE_COMMAND=x',
        'echo "# shellcheck shell=sh is only text here"',
        'run_check',
        '',
      ].join('\n'),
    );
  });

  test('each part ends in a newline, so the next starts on a line of its own', () => {
    expect(shellScript('a', 'b\n', '', 'c')).toBe('a\nb\nc\n');
    expect(withoutDirectives('# shellcheck shell=sh')).toBe('');
  });

  test('no script pgfleet renders carries a shellcheck directive line', () => {
    const scripts = {
      DRILL_PRELUDE,
      CNPG_DRILL_SCRIPT,
      CRUNCHY_DRILL_SCRIPT,
      SPILO_DRILL_SCRIPT,
      PATRONI_DRILL_SCRIPT,
      STANDALONE_DRILL_SCRIPT,
      ...JOB_SCRIPTS,
      ...dumpScripts,
    };
    expect(Object.keys(scripts)).toHaveLength(15);
    const withDirectives = Object.entries(scripts).filter(([, s]) => /^[ \t]*#[ \t]*shellcheck[ \t]+[a-z-]+=/m.test(s));
    expect(withDirectives.map(([name]) => name)).toEqual([]);
    // The drill parts follow the prelude whole.
    for (const s of [CNPG_DRILL_SCRIPT, CRUNCHY_DRILL_SCRIPT, SPILO_DRILL_SCRIPT, PATRONI_DRILL_SCRIPT, STANDALONE_DRILL_SCRIPT])
      expect(s.startsWith(DRILL_PRELUDE)).toBe(true);
  });
});
