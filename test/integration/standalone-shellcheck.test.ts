/**
 * Every shell script pgfleet ships passes shellcheck (Debian's 0.9.0): each `lib/**\/*.sh` file on
 * its own, in the dialect its `# shellcheck shell=` directive names, and every script text a
 * standalone Job or CronJob runs, exactly as rendered (`<shell> -c <args>`, a prelude and a script
 * joined), in the dialect of its container's shell. Those rendered texts come only from the .sh files.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as scripts from '../../lib/engines/standalone/dump-scripts';
import { describeWithTools, render, ROOT } from '../helpers';
import { dumpToS3, pydis, restoring, restoringBlackbox, upgrading } from '../engines/standalone-stack';

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'lib/**/*.sh'], {
  cwd: ROOT,
  encoding: 'utf8',
})
  .split('\n')
  .filter(Boolean);

/** Every `<shell> -c <script>` container of the standalone scenarios, by shell and script text. */
function renderedScripts(): { shell: string; script: string; where: string }[] {
  const stacks = {
    'pydis-prod': pydis('prod'),
    'pydis-staging': pydis('staging'),
    upgrade: upgrading(),
    'restore (pvc)': restoring(),
    'restore (s3)': restoring({}, { backup: dumpToS3 }),
    'restore (blackbox)': restoringBlackbox(),
    'dump to s3': pydis('prod', { backup: dumpToS3 }),
  };
  const seen = new Map<string, { shell: string; script: string; where: string }>();
  for (const [name, config] of Object.entries(stacks)) {
    for (const o of render(config).objects) {
      const m = o.manifest;
      const pod = m.kind === 'CronJob' ? m.spec.jobTemplate.spec.template.spec : m.kind === 'Job' ? m.spec.template.spec : undefined;
      for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
        const [shell, flag] = c.command ?? [];
        if (flag !== '-c') continue;
        seen.set(`${shell}\0${c.args[0]}`, { shell, script: c.args[0], where: `${name}: ${m.kind}/${m.metadata.name} ${c.name}` });
      }
    }
  }
  return [...seen.values()];
}

describeWithTools(['shellcheck'], 'shellcheck passes every shell script', () => {
  test('the .sh files are found, each naming its shell on its first line', () => {
    expect(files).toEqual(expect.arrayContaining(['lib/engines/standalone/job-prelude.sh', 'lib/engines/standalone/import.sh']));
    for (const f of files)
      expect(`${f}: ${fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n')[0]}`).toMatch(/: # shellcheck shell=(bash|sh)$/);
  });

  test.each(files)('%s', (file) => {
    const r = spawnSync('shellcheck', ['--norc', '--format=gcc', file], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  const rendered = renderedScripts();
  test('every script a Job runs is one of the scripts built from the .sh files', () => {
    const known = new Set(Object.values(scripts));
    expect(rendered.filter((r) => !known.has(r.script)).map((r) => r.where)).toEqual([]);
    // All five, with the shell their files name: bash for the Postgres images, POSIX sh for rclone's Alpine.
    expect(rendered.map((r) => `${r.shell} ${Object.entries(scripts).find(([, s]) => s === r.script)![0]}`).sort()).toEqual([
      'bash DUMP_SCRIPT',
      'bash IMPORT_SCRIPT',
      'sh BLACKBOX_FETCH_SCRIPT',
      'sh FETCH_SCRIPT',
      'sh UPLOAD_SCRIPT',
    ]);
  });

  test.each(rendered.map((r) => [r.where, r] as const))('as rendered: %s', (_where, { shell, script }) => {
    const r = spawnSync('shellcheck', ['--norc', '--format=gcc', `--shell=${shell}`, '-'], { input: script, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
