/** `pgfleet report`: every live generation's guarantees and drill, as text, markdown and JSON, from the stack files alone. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, runPgfleet, tempDir } from '../helpers';

const pgfleet = (...args: string[]) => runPgfleet(ROOT, ['report', ...args]);

describe('pgfleet report', () => {
  test('a table for every stack, then where each number comes from and what a restore would use', () => {
    const r = pgfleet('--stack', 'indigo-prod');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').slice(0, 7)).toEqual([
      'indigo-prod',
      '  database  engine  generation  serving  method  RPO  window  objectives  drill',
      '  forgejo   cnpg    forgejo-db  yes      WAL     30m  10d     -           forgejo-db-drill "0 4 * * 0"',
      '  forgejo/forgejo-db',
      '    RPO 30m: WAL archived at least every 30m: archive_timeout 30min (parameters.archive_timeout)',
      '    window 10d: retentionPolicy 10d: Barman keeps the base backups and WAL to reach any point of the last 10d',
      '    a restore uses the newest base backup in s3://dal-site-backups/indigo/forgejo/postgres/forgejo-db-pg18/ before the target, then WAL from the same folder (barman-cloud-restore, barman-cloud-wal-restore)',
    ]);
    // Every committed stack is reported.
    const all = pgfleet().stdout;
    for (const f of fs.readdirSync(path.join(ROOT, 'stacks'))) expect(all).toContain(`${f.replace(/^Pulumi\.|\.yaml$/g, '')}\n  database`);
  });

  test('--json: the rows, and for a drill the alert to set (the last success is only known in the cluster)', () => {
    const dir = tempDir();
    const file = path.join(dir, 'Pulumi.indigo-qa.yaml');
    const stack = fs.readFileSync(path.join(ROOT, 'stacks/Pulumi.indigo-dev.yaml'), 'utf8');
    fs.writeFileSync(
      file,
      stack.replace(
        '      consumers:',
        '      recovery: {rpo: 30m, window: 3d}\n      drill:\n        schedule: "0 4 * * 0"\n        check: {query: select count(*) from repository, atLeast: 1}\n      consumers:',
      ),
    );
    const r = pgfleet('--file', file, '--json');
    expect(r.stderr).toBe('');
    const [row] = JSON.parse(r.stdout).generations;
    expect(row).toMatchObject({
      stack: 'indigo-qa',
      generation: 'forgejo-db',
      method: 'wal',
      rpo: { seconds: 1800, text: '30m' },
      window: { seconds: 3 * 86400, text: '3d' },
      objectives: { rpo: '30m', window: '3d' },
      drill: {
        schedule: '0 4 * * 0',
        cronJob: 'forgejo-db-drill',
        configMap: 'forgejo-db-drill',
        check: 'select count(*) from repository >= 1',
        lastSuccess: null,
        alertAfterSeconds: 2 * (7 * 86400 + 3600),
      },
    });
    expect(row.drill.alert).toBe(
      'time() - kube_cronjob_status_last_successful_time{namespace="forgejo-dev",cronjob="forgejo-db-drill"} > 1216800' +
        ' or absent(kube_cronjob_status_last_successful_time{namespace="forgejo-dev",cronjob="forgejo-db-drill"})' +
        ' or kube_job_status_failed{namespace="forgejo-dev",job_name=~"forgejo-db-drill-.*"} > 0',
    );
    const md = pgfleet('--file', file, '--format', 'markdown').stdout;
    expect(md.split('\n')[0]).toBe('| stack | database | generation | engine | RPO | window | objectives | drill | a restore uses |');
    expect(md).toContain('| indigo-qa | forgejo | forgejo-db (serving) | cnpg | 30m (');
    expect(md).toContain('| rpo ≤ 30m, window ≥ 3d | forgejo-db-drill "0 4 * * 0" |');
  });

  test('a stack whose settings miss its objectives is refused, as synth refuses it', () => {
    const dir = tempDir();
    const file = path.join(dir, 'Pulumi.indigo-qa.yaml');
    const stack = fs.readFileSync(path.join(ROOT, 'stacks/Pulumi.indigo-prod.yaml'), 'utf8');
    fs.writeFileSync(file, stack.replace('      consumers:', '      recovery: {rpo: 5m}\n      consumers:'));
    const r = pgfleet('--file', file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('pgfleet:databases[0].parameters.archive_timeout: found "30min"');
    expect(r.stderr).toContain('fix: set parameters.archive_timeout to 5min or less');
  });
});
