/**
 * What the fuzzer found (issue 13), one change each, as synth sees it against the previous
 * output: dangerous changes that passed are now refused or gated, and harmless ones that were
 * gated now pass.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ROOT, validator } from '../helpers';
import { diffLines, renderFresh, type StepOutcome, synthStep } from './pgfleet-step';

type Config = Record<string, any>;

const load = (stack: string): Config => parse(fs.readFileSync(path.join(ROOT, 'stacks', `Pulumi.${stack}.yaml`), 'utf8')).config;

/** Synth of `edit` applied to a sample stack, against the stack's own output. */
function step(stack: string, edit: (db: Config) => void, from?: { config: Config; files: ReadonlyMap<string, string> }): StepOutcome {
  const before = from?.config ?? load(stack);
  const after = structuredClone(before);
  edit(after['pgfleet:databases'][0]);
  return synthStep(stack, after, from?.files ?? renderFresh(stack, before)!, validator());
}

/** The outcome in one line: accepted, the refusing issues (path: allowed), or the acknowledgements the gate asks for. */
function summary(o: StepOutcome): string {
  if (o.kind === 'accepted') return 'accepted';
  if (o.kind === 'config') return o.issues.map((i) => `${i.path}: ${i.allowed}`).join('\n');
  if (o.kind === 'gate') return `gate: ${o.missing.map((a) => a.name).join(', ')}`;
  return `invalid: ${o.problems.join('\n')}`;
}

describe('refused: volumes other than the data volume shrinking', () => {
  test('Patroni backup and verification volumes', () => {
    expect(summary(step('hcap-prod', (db) => (db.backup.storage.size = '1Gi')))).toBe(
      "pgfleet:databases[0].backup.storage.size: 5Gi or more: Kubernetes volumes can grow but never shrink (hcap-patroni's backup volume)",
    );
    expect(summary(step('hcap-prod', (db) => (db.backup.verification.storage.size = '512Mi')))).toBe(
      "pgfleet:databases[0].backup.verification.storage.size: 1Gi or more: Kubernetes volumes can grow but never shrink (hcap-patroni's verification volume)",
    );
  });

  test("standalone upgrade dump volume (upgrade.dumpSize) while the upgrade's generation is live", () => {
    expect(summary(step('pydis-staging', (db) => (db.upgrade.dumpSize = '1Gi')))).toBe(
      "pgfleet:databases[0].upgrade.dumpSize: 5Gi or more: Kubernetes volumes can grow but never shrink (postgres-17's dump volume postgres-17-dump)",
    );
  });
});

describe('gated as destroys-data: what passed as safe or restart', () => {
  test('dropping the S3 copy of Patroni dumps (backup.s3)', () => {
    const copy = { endpoint: 'https://s3.example.com', bucket: 'hcap-copy', credentials: { existingSecret: { name: 'backup-s3' } } };
    // S3 copies need backup-container 2.7.0 or later (hcap runs 2.3.3).
    const image = 'docker.io/bcgovimages/backup-container:2.13.0';
    const first = step('hcap-prod', (db) => Object.assign(db.backup, { image, s3: copy }));
    expect(summary(first)).toBe('accepted');
    const withCopy = { config: structuredClone(load('hcap-prod')), files: (first as Extract<StepOutcome, { kind: 'accepted' }>).files };
    Object.assign(withCopy.config['pgfleet:databases'][0].backup, { image, s3: copy });
    expect(summary(step('hcap-prod', (db) => delete db.backup.s3, withCopy))).toBe('gate: destroys-data:hcap-patroni');
    expect(summary(step('hcap-prod', (db) => (db.backup.s3 = { ...copy, bucket: 'elsewhere' }), withCopy))).toBe(
      'gate: destroys-data:hcap-patroni',
    );
  });

  test('a blackbox storage target removed or moved to another bucket', () => {
    expect(summary(step('pydis-prod', (db) => db.backup.storage.pop()))).toBe('gate: destroys-data:postgres');
    expect(summary(step('pydis-prod', (db) => (db.backup.storage[0].bucket = 'blackbox-2')))).toBe('gate: destroys-data:postgres');
  });

  test('a data-bearing claim changing its StorageClass: Kubernetes refuses, Pulumi replaces the claim', () => {
    const o = step('hcap-prod', (db) => (db.backup.storage.storageClass = 'netapp-file-standard'));
    expect(summary(o)).toBe('gate: destroys-data:hcap-patroni');
    expect(diffLines((o as Extract<StepOutcome, { kind: 'gate' }>).diff)).toContain(
      'persistentvolumeclaim-hcap-patroni-backup.yaml spec.storageClassName: destroys-data: storageClassName of claim hcap-patroni-backup ' +
        'cannot change (netapp-file-backup → netapp-file-standard): Kubernetes refuses it, so Pulumi replaces the claim, and hcap-patroni ' +
        'would start on an empty volume',
    );
  });

  test('fewer days of nightly dumps (standalone dump method)', () => {
    expect(summary(step('pydis-staging', (db) => (db.backup.retentionDays = 3)))).toBe(
      'gate: destroys-data:postgres-17, destroys-data:postgres',
    );
    expect(summary(step('pydis-staging', (db) => (db.backup.retentionDays = 14)))).toBe('accepted');
  });
});

test('refused: a one-off PGO backup asked for while the cluster is shut down for its upgrade (it would never run)', () => {
  const prepare = (db: Config) => {
    db.generations[0].upgrade = { to: 17, phase: 'prepare' };
    db.acknowledge = ['irreversible:api-postgres-alpha'];
  };
  expect(
    summary(
      step('jobstore-prod', (db) => {
        prepare(db);
        db.backups.manual = { id: 'before-upgrade' };
      }),
    ),
  ).toBe(
    'pgfleet:databases[0].backups.manual.id: a one-off backup of a running cluster: api-postgres-alpha is shut down for its PGUpgrade ' +
      '(upgrade.phase: prepare), and PGO takes no backup while it is',
  );
  // Taken first, it may stay listed through the prepare phase.
  const backedUp = step('jobstore-prod', (db) => (db.backups.manual = { id: 'before-upgrade' }));
  expect(summary(backedUp)).toBe('accepted');
  const config = structuredClone(load('jobstore-prod'));
  config['pgfleet:databases'][0].backups.manual = { id: 'before-upgrade' };
  expect(summary(step('jobstore-prod', prepare, { config, files: (backedUp as Extract<StepOutcome, { kind: 'accepted' }>).files }))).toBe(
    'accepted',
  );
});

describe('no longer gated: harmless changes', () => {
  test('the same size in other units (25Gi → 25600Mi) on a claim', () => {
    expect(summary(step('pydis-prod', (db) => (db.storage.size = '25600Mi')))).toBe('accepted');
    expect(summary(step('hcap-prod', (db) => (db.backup.storage.size = '5120Mi')))).toBe('accepted');
  });

  test('CNPG switching between the Barman Cloud plugin and the in-tree barmanObjectStore with the same window', () => {
    expect(summary(step('indigo-prod', (db) => (db.backup.method = 'barmanObjectStore')))).toBe('accepted');
  });
});
