/** `pgfleet diff` / `plan` on recovery guarantees: a worse RPO or a shorter window is gated once per generation. */
import { buildPlan } from '../../lib/review/plan';
import { render } from '../helpers';
import { diffRendered } from '../../lib/review/stack-diff';
import { backup, forgejo } from './cnpg-stacks';
import { change, gateSummary, summary } from './review-scenarios';

describe('pgfleet diff: recovery guarantees', () => {
  test('a longer RPO (archive_timeout 30min → 1h) is destroys-data on the generation, with a step before pulumi up', () => {
    const { diff } = change(forgejo(), forgejo({ parameters: { archive_timeout: '1h' } }));
    expect(summary(diff)).toEqual(['~ Generation/forgejo-db recovery.rpo destroys-data', '~ Cluster/forgejo-db spec.postgresql safe']);
    expect(gateSummary(diff)).toBe('fails: destroys-data:forgejo-db');
    const record = diff.objects.find((o) => o.kind === 'Generation')!;
    expect(record.changes[0].fields).toEqual([{ path: 'recovery.rpo', before: '30m', after: '1h' }]);
    expect(record.changes[0].reasons[0].why).toBe(
      'forgejo-db can lose more on a total loss: its worst-case data loss (RPO) grows from 30m to 1h',
    );
    expect(buildPlan(diff).before).toContain(
      'check that 1h of lost writes is acceptable for forgejo-db (and meets any agreed RPO); `pgfleet report` says where the number comes from',
    );
  });

  test('a shorter RPO is shown, and safe', () => {
    const { diff } = change(forgejo(), forgejo({ parameters: { archive_timeout: '5min' } }));
    expect(summary(diff)).toContain('~ Generation/forgejo-db recovery.rpo safe');
    expect(gateSummary(diff)).toBe('passes');
  });

  test('switching backup.method between the plugin and in-tree barmanObjectStore keeps the window: nothing to acknowledge', () => {
    const intree = forgejo({ backup: backup({ method: 'barmanObjectStore' }) });
    for (const [a, b] of [
      [forgejo(), intree],
      [intree, forgejo()],
    ]) {
      const { diff } = change(a, b);
      expect(summary(diff).filter((l) => /destroys-data|Generation/.test(l))).toEqual([]);
      expect(gateSummary(diff)).toBe('passes');
    }
  });

  test('the in-tree window shrinking is gated once, on the generation, not again on the Cluster', () => {
    const intree = (retentionPolicy: string) => forgejo({ backup: backup({ method: 'barmanObjectStore', retentionPolicy }) });
    const { diff } = change(intree('10d'), intree('7d'));
    expect(summary(diff).filter((l) => l.includes('destroys-data'))).toEqual(['~ Generation/forgejo-db recovery.window destroys-data']);
  });

  test('against a state written before pgfleet recorded guarantees, the manifest rule still gates the in-tree window', () => {
    const intree = (retentionPolicy: string) => forgejo({ backup: backup({ method: 'barmanObjectStore', retentionPolicy }) });
    const base = render(intree('10d'), { stack: 'test-prod' });
    const old = structuredClone(base.state) as any;
    delete old.databases.forgejo.generations['forgejo-db'].recovery;
    const next = render(intree('7d'), { stack: 'test-prod', previous: old });
    const files = new Map(base.files);
    files.set('pgfleet-state.json', JSON.stringify(old));
    const diff = diffRendered(files, next, { baseName: 'old' });
    expect(summary(diff).filter((l) => l.includes('destroys-data'))).toEqual([
      '~ Cluster/forgejo-db spec.backup.retentionPolicy destroys-data',
    ]);
  });
});
