/**
 * The fuzzer's oracle on hand-made changes: it must see each danger it is there to see from the
 * manifests alone, and nothing in a change that is harmless.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers';
import { findings, unexcused } from './oracle';
import { renderFresh } from './pgfleet-step';

type Config = Record<string, any>;

const load = (stack: string): Config => parse(fs.readFileSync(path.join(ROOT, 'stacks', `Pulumi.${stack}.yaml`), 'utf8')).config;

/** The oracle's findings for `edit` of a sample stack, as `class generation` lines. */
function judge(
  stack: string,
  edit: (db: Config, config: Config) => void,
): { lines: string[]; after: Config; all: ReturnType<typeof findings> } {
  const before = load(stack);
  const after = structuredClone(before);
  edit(after['pgfleet:databases'][0], after);
  const files = renderFresh(stack, after);
  if (!files) throw new Error('the edited stack does not render');
  const all = findings({ files: renderFresh(stack, before)!, config: before }, { files, config: after });
  return { lines: all.map((f) => `${f.class} ${f.generation}`), after, all };
}

describe('oracle', () => {
  test('finds nothing in a change that leaves data alone (a schedule, a grown volume, the same size in other units)', () => {
    expect(judge('hcap-prod', (db) => (db.backup.schedule = '30 3 * * *')).lines).toEqual([]);
    expect(judge('jobstore-prod', (db) => (db.storage.size = '3Gi')).lines).toEqual([]);
    expect(judge('pydis-prod', (db) => (db.storage.size = '25600Mi')).lines).toEqual([]);
  });

  test('sees every shrinking volume, not only the data volume', () => {
    expect(judge('hcap-prod', (db) => (db.backup.verification.storage.size = '512Mi')).lines).toEqual(['volume-shrunk hcap-patroni']);
    expect(judge('pydis-staging', (db) => (db.upgrade.dumpSize = '1Gi')).lines).toEqual(['volume-shrunk postgres-17']);
  });

  test('sees an archive moved or a copy dropped', () => {
    const moved = judge('indigo-prod', (db) => (db.backup.destinationPath = 's3://dal-site-backups/indigo/forgejo/other/'));
    expect(moved.all.map((f) => f.detail)).toEqual([
      'archive barman: s3://dal-site-backups/indigo/forgejo/postgres/forgejo-db-pg18/ → s3://dal-site-backups/indigo/forgejo/other/forgejo-db-pg18/',
    ]);
    expect(judge('pydis-prod', (db) => db.backup.storage.pop()).lines).toEqual(['archive-dropped postgres']);
  });

  test('sees an instance set renamed: PGO deletes the old set with its volumes', () => {
    expect(judge('jobstore-prod', (db) => (db.instances[0].name = 'pgha1')).lines).toEqual(['volume-removed api-postgres-alpha']);
  });

  test('sees a shorter retention and a raised major', () => {
    expect(judge('cas-ciip-prod', (db) => (db.backup.retain = 30)).lines).toEqual(['retention-shortened ciip-portal-patroni']);
    const upgraded = judge('indigo-prod', (db) => {
      db.postgresVersion = 17;
      db.generations[0].postgresVersion = 18;
    });
    expect(upgraded.lines).toEqual([]);
    const raised = judge('cas-ciip-prod', (db) => (db.postgresVersion = 13));
    expect(raised.lines).toEqual(['major-raised ciip-portal-patroni']);
    expect(raised.all.map((f) => f.excusedBy)).toEqual([['irreversible:ciip-portal-patroni', 'irreversible:ciip-portal']]);
  });

  test('sees consumers cut over to a generation created in the same change, and a restore reading from a moved archive', () => {
    const cutover = judge('indigo-prod', (db) => {
      db.generations.push({ name: 'forgejo-r1', restoreFrom: { generation: 'forgejo-db' } });
      db.serving = 'forgejo-r1';
    });
    expect(cutover.lines).toEqual(['cutover-to-new forgejo-r1']);
    const moved = judge('indigo-prod', (db) => {
      db.generations.push({ name: 'forgejo-r1', restoreFrom: { generation: 'forgejo-db' } });
      db.serving = 'forgejo-db';
      db.backup.destinationPath = 's3://dal-site-backups/indigo/forgejo/other/';
    });
    expect(moved.lines).toEqual(['archive-moved forgejo-db', 'restore-source forgejo-r1']);
  });

  test('sees a manual backup asked for while PGO has the cluster shut down', () => {
    const r = judge('jobstore-prod', (db) => {
      db.generations[0].upgrade = { to: 17, phase: 'prepare' };
      db.backups.manual = { id: 'before-upgrade' };
    });
    expect(r.lines).toEqual(['major-raised api-postgres-alpha', 'backup-not-taken api-postgres-alpha']);
  });

  test('a finding is excused by its acknowledgement or by retiring the generation, and by nothing else', () => {
    const r = judge('hcap-prod', (db) => (db.backup.storage.size = '1Gi'));
    expect(unexcused(r.all, r.after).map((f) => f.class)).toEqual(['volume-shrunk']);
    r.after['pgfleet:databases'][0].acknowledge = ['irreversible:hcap-patroni'];
    expect(unexcused(r.all, r.after).map((f) => f.class)).toEqual(['volume-shrunk']);
    r.after['pgfleet:databases'][0].acknowledge = ['destroys-data:hcap-patroni'];
    expect(unexcused(r.all, r.after)).toEqual([]);
    const cut = judge('indigo-prod', (db) => {
      db.generations.push({ name: 'forgejo-r1', restoreFrom: { generation: 'forgejo-db' } });
      db.serving = 'forgejo-r1';
      db.acknowledge = ['destroys-data:forgejo-r1', 'irreversible:forgejo-r1'];
    });
    expect(unexcused(cut.all, cut.after).map((f) => f.class)).toEqual(['cutover-to-new']);
  });
});
