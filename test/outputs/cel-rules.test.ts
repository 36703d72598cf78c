/**
 * The pinned CRDs' CEL rules (`x-kubernetes-validations`) are evaluated as the API server does:
 * CEL types from the schema, RE2 for matches(), messages as the server writes them, transition
 * rules against the object an update replaces. Built at build time (precompiled plans) and at run
 * time (--crds), with the same results.
 */
import * as path from 'node:path';
import { CrdCatalog } from '../../lib/outputs/validate/crd-catalog';
import { unreadableRules } from '../../lib/outputs/validate/cel-check';
import { celPlanOf, isTransitionRule, rewriteRule, rulesOfPlan } from '../../lib/outputs/validate/cel-plan';
import { ManifestValidator } from '../../lib/outputs/validate/manifest-validator';
import { find, render, ROOT, validator } from '../helpers';
import { jobstore, LIVE } from '../engines/crunchy-stack';
import { forgejo } from '../engines/cnpg-stack';

const CRDS = path.join(ROOT, 'crds');
const problems = (objects: unknown[], previous?: (i: number) => unknown) =>
  validator()
    .validate(objects, { previous })
    .map((p) => `${p.path}: ${p.message}`);

const cluster = () => structuredClone(find(render(jobstore('prod')), 'PostgresCluster', LIVE));
const cnpg = render(forgejo({}, { onDemand: { id: 'pre-upgrade' } }));

describe('CEL rules of the pinned CRDs', () => {
  test('every rule of every served kind parses, and the transition rules are the five immutability rules', () => {
    const rules = new CrdCatalog([CRDS]).all().flatMap((k) => {
      const plan = celPlanOf(k.group, k.version, k.kind, k.schema);
      return plan ? rulesOfPlan(plan.root).map((r) => ({ kind: k.kind, ...r })) : [];
    });
    expect(rules.length).toBe(106);
    expect(unreadableRules(rules)).toEqual([]);
    expect(rules.filter((r) => r.transition).map((r) => `${r.kind}: ${r.rule}`)).toEqual([
      'Backup: oldSelf == self',
      'Cluster: self == oldSelf',
      'Pooler: self == oldSelf',
      'Pooler: self == oldSelf',
      'ScheduledBackup: self == oldSelf',
    ]);
  });

  test('finds oldSelf and matches() outside string literals only', () => {
    expect(isTransitionRule('self.name == "oldSelf"')).toBe(false);
    expect(isTransitionRule("self == oldSelf || 'x' == '''oldSelf'''")).toBe(true);
    expect(rewriteRule('!self.matches("(?i:PASSWORD)") && "matches(" != self')).toBe(
      '!self.re2Matches("(?i:PASSWORD)") && "matches(" != self',
    );
    expect(rewriteRule('matches(self, r"a\\d")')).toBe('re2Matches(self, r"a\\d")');
    expect(rewriteRule('self.maxDelay == duration(\'0\') && duration("5m") > self')).toBe(
      'self.maxDelay == duration("0s") && duration("5m") > self',
    );
  });

  test("PostgresCluster: the parameter rules, with the CRD's messages, on spec.config.parameters", () => {
    const c = cluster();
    c.spec.config = {
      parameters: { wal_level: 'replica', cluster_name: 'x', ssl_ciphers: 'HIGH', ssl_ecdh_curve: 'prime256v1', work_mem: 4 },
    };
    expect(problems([c])).toEqual([
      'spec.config.parameters: TLS is always enabled',
      'spec.config.parameters: wal_level must be "replica" or higher',
      'spec.config.parameters: cluster_name is derived from the PostgresCluster name',
    ]);
  });

  test('integers are CEL ints: ssl_groups needs postgresVersion above 17', () => {
    const c = cluster();
    c.spec.config = { parameters: { ssl_groups: 'X25519' } };
    expect(problems([c])).toEqual(['spec: The ssl_groups parameter is only available in pg18 and greater']);
    c.spec.postgresVersion = 18;
    expect(problems([c])).toEqual([]);
  });

  test('matches() is RE2: (?i:PASSWORD) refuses any case', () => {
    const c = cluster();
    c.spec.users = [
      { name: 'a', options: 'LOGIN password NULL' },
      { name: 'b', options: 'CREATEDB -- comment' },
      { name: 'c', options: 'CREATEDB' },
    ];
    expect(problems([c])).toEqual(['spec.users[0].options: cannot assign password', 'spec.users[1].options: cannot contain comments']);
  });

  test('format: duration strings are durations; a rule without a message reads "failed rule"', () => {
    const c = cluster();
    c.spec.instrumentation = { logs: { batches: { maxDelay: '10m', minRecords: 1 } } };
    expect(problems([c])).toEqual([
      'spec.instrumentation.logs.batches.maxDelay: failed rule: duration("0") <= self && self <= duration("5m")',
    ]);
    c.spec.instrumentation.logs.batches.maxDelay = '4m30s';
    expect(problems([c])).toEqual([]);
    // Go's bare 0 is a duration too: batching off needs both at zero.
    c.spec.instrumentation.logs.batches = { maxDelay: '0', minRecords: 1 };
    expect(problems([c])).toEqual(['spec.instrumentation.logs.batches: to disable batching, both minRecords and maxDelay must be zero']);
    c.spec.instrumentation.logs.batches = { maxDelay: '0', minRecords: 0 };
    expect(problems([c])).toEqual([]);
  });

  test('ObjectStore: fieldPath puts the problem on the field', () => {
    const store = structuredClone(find(cnpg, 'ObjectStore', 'forgejo-backups'));
    store.spec.configuration.serverName = 'forgejo-db-pg18';
    expect(problems([store])).toEqual(["spec.configuration.serverName: use the 'serverName' plugin parameter in the Cluster resource"]);
  });

  test('list rules: an ImageCatalog with one major twice', () => {
    const catalog = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'ImageCatalog',
      metadata: { name: 'postgresql', namespace: 'forgejo' },
      spec: {
        images: [
          { major: 17, image: 'ghcr.io/cloudnative-pg/postgresql:17.6' },
          { major: 17, image: 'ghcr.io/cloudnative-pg/postgresql:17.5' },
        ],
      },
    };
    expect(problems([catalog])).toEqual(['spec.images: Images must have unique major versions']);
  });

  describe('transition rules (oldSelf)', () => {
    const backup = find(cnpg, 'Backup', 'forgejo-db-pre-upgrade');
    const changed = { ...backup, spec: { cluster: { name: 'forgejo-db' }, method: 'barmanObjectStore' } };

    test('run against the object an update replaces', () => {
      expect(problems([changed], () => backup)).toEqual(['spec: BackupSpec is immutable once set']);
      expect(problems([backup], () => backup)).toEqual([]);
    });

    test('do not run for a new object, or where the old object has no value', () => {
      expect(problems([changed])).toEqual([]);
      expect(problems([changed], () => ({ ...backup, spec: undefined }))).toEqual([]);
      const c = structuredClone(find(cnpg, 'Cluster', 'forgejo-db'));
      c.spec.serviceAccountName = 'forgejo-db';
      expect(problems([c], () => find(cnpg, 'Cluster', 'forgejo-db'))).toEqual([]);
      expect(problems([c], () => ({ ...c, spec: { ...c.spec, serviceAccountName: 'other' } }))).toEqual([
        'spec.serviceAccountName: serviceAccountName is immutable',
      ]);
    });

    test('ask for the previous object only when a transition rule needs it', () => {
      const asked: number[] = [];
      problems([cluster(), find(cnpg, 'ObjectStore', 'forgejo-backups'), changed], (i) => {
        asked.push(i);
        return backup;
      });
      expect(asked).toEqual([2]);
    });
  });

  test('CEL problems are the same from the precompiled plans and from the CRD files', () => {
    const c = cluster();
    c.spec.config = { parameters: { hba_file: '/x' } };
    const objects = [c, find(cnpg, 'Backup', 'forgejo-db-pre-upgrade')];
    const previous = () => ({ ...objects[1], spec: { cluster: { name: 'x' } } });
    const pre = new ManifestValidator().validate(objects, { previous });
    expect(pre.map((p) => p.message)).toEqual([
      'cannot change authentication path: hba_file, ident_file',
      'BackupSpec is immutable once set',
    ]);
    expect(new ManifestValidator({ crdDirs: [CRDS] }).validate(objects, { previous })).toEqual(pre);
  });

  test('an object that fails its schema is not checked against CEL rules (no follow-on errors)', () => {
    const c = cluster();
    c.spec.config = { parameters: { hba_file: '/x' } };
    c.spec.postgresVersion = 'sixteen';
    expect(problems([c])).toEqual(['spec.postgresVersion: must be integer']);
  });
});
