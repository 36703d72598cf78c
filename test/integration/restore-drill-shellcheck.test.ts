/**
 * Every drill script, as rendered into the CronJobs of every engine (the Spilo one included,
 * whose WAL-G cannot run here: Debian has no wal-g), passes shellcheck as bash, and the rclone
 * download steps as POSIX sh.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { all, describeWithTools, render, tempDir } from '../helpers';
import { forgejo } from '../engines/cnpg-stack';
import { prodDatabase, withRepos } from '../engines/crunchy-stack';
import { ciip } from '../engines/spilo-stack';
import { hcap } from '../engines/patroni-stack';
import { dumpToPvc, dumpToS3, pydis } from '../engines/standalone-stack';

const drill = { schedule: '0 3 * * 0', check: { query: "select count(*) from t where note = 'it''s'", atLeast: 1 }, image: 'img:1' };
const s3Repo = {
  name: 'repo2',
  retention: { full: 3 },
  s3: { bucket: 'b-b', endpoint: 'e', region: 'r', credentials: { existingSecret: { name: 's' } } },
};
const stacks: Record<string, Record<string, unknown>> = {
  cnpg: forgejo({ drill }),
  crunchy: withRepos([prodDatabase().backups.repos[0], s3Repo], { drill }),
  spilo: ciip({ drill }),
  patroni: hcap({ drill }),
  'standalone (pvc)': pydis('prod', { backup: dumpToPvc, drill }),
  'standalone (s3)': pydis('prod', { backup: dumpToS3, drill }),
  'standalone (blackbox)': pydis('prod', { drill }),
};

describeWithTools(['shellcheck'], 'restore drill scripts pass shellcheck', () => {
  const dir = tempDir('pgfleet-shellcheck-');
  test.each(Object.keys(stacks))('%s', (engine) => {
    const [cronJob] = all(render(stacks[engine]), 'CronJob').filter((c) => c.metadata.name.endsWith('-drill'));
    const containers = cronJob.spec.jobTemplate.spec.template.spec.initContainers as { name: string; command: string[]; args: string[] }[];
    expect(containers.map((c) => c.command)).toContainEqual(['bash', '-c']);
    for (const c of containers) {
      const file = path.join(dir, `${engine.replace(/\W+/g, '-')}-${c.name}.sh`);
      fs.writeFileSync(file, c.args[0]);
      const r = spawnSync('shellcheck', ['-s', c.command[0] === 'bash' ? 'bash' : 'sh', file], { encoding: 'utf8' });
      expect(r.stdout).toBe('');
      expect(r.status).toBe(0);
      expect(execFileSync(c.command[0], ['-n', file], { encoding: 'utf8' })).toBe('');
    }
  });
});
