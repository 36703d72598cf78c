import * as fs from 'node:fs';
import * as os from 'node:os';
import YAML from 'yaml';
import * as path from 'node:path';
import { formatManifestProblems, type ManifestProblem } from '../../lib/outputs/validate/manifest-problems';
import { ManifestValidator } from '../../lib/outputs/validate/manifest-validator';

const projectRoot = path.join(__dirname, '../..');
const fixtures = path.join(__dirname, '../fixtures/validate');

const pinned = path.join(projectRoot, 'crds');

// One validator for the suite: the pinned CRDs as the build compiled them.
const validator = new ManifestValidator();

/** Problems as `path: message` strings, which is what most tests assert on. */
function problemsOf(obj: unknown, v: ManifestValidator = validator): string[] {
  return v.validate([obj]).map((p) => `${p.path}: ${p.message}`);
}

const pvcSpec = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };

function cnpgCluster(spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: 'forgejo-db', namespace: 'forgejo' },
    spec: {
      instances: 1,
      storage: { size: '1Gi' },
      imageCatalogRef: { apiGroup: 'postgresql.cnpg.io', kind: 'ClusterImageCatalog', name: 'postgresql', major: 18 },
      ...spec,
    },
  };
}

function pgoCluster(repoName = 'repo1') {
  return {
    apiVersion: 'postgres-operator.crunchydata.com/v1beta1',
    kind: 'PostgresCluster',
    metadata: { name: 'hippo' },
    spec: {
      postgresVersion: 16,
      instances: [{ name: 'instance1', replicas: 1, dataVolumeClaimSpec: pvcSpec }],
      backups: { pgbackrest: { repos: [{ name: repoName, volume: { volumeClaimSpec: pvcSpec } }] } },
    },
  };
}

function statefulSet(replicas: unknown = 1) {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: {
      replicas,
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: {
        metadata: { labels: { app: 'db' } },
        spec: { containers: [{ name: 'postgres', image: 'postgres:18', ports: [{ containerPort: 5432 }] }] },
      },
    },
  };
}

function cronJob(schedule: string) {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'backup' },
    spec: {
      schedule,
      jobTemplate: {
        spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'backup', image: 'busybox' }] } } },
      },
    },
  };
}

describe('CloudNativePG Cluster', () => {
  test('a minimal cluster passes', () => {
    expect(validator.validate([cnpgCluster()])).toEqual([]);
  });

  test('a misspelled field is reported at its parent', () => {
    const { instances, ...rest } = cnpgCluster().spec;
    const problems = validator.validate([{ ...cnpgCluster(), spec: { ...rest, instancess: instances } }]);
    expect(problems).toContainEqual<ManifestProblem>({
      index: 0,
      object: 'postgresql.cnpg.io/v1 Cluster forgejo-db',
      path: 'spec',
      message: 'unknown field "instancess"',
    });
    expect(problems.map((p) => p.message)).toContain('missing required field "instances"');
  });

  test('a wrong type is reported with its path', () => {
    expect(problemsOf(cnpgCluster({ instances: 'three' }))).toEqual(['spec.instances: must be integer']);
    expect(problemsOf(cnpgCluster({ storage: { size: 1 } }))).toEqual(['spec.storage.size: must be string']);
  });

  test('enum problems list the allowed values; array indices show as [i]', () => {
    const roles = [
      { name: 'app', ensure: 'present' },
      { name: 'ro', ensure: 'maybe' },
    ];
    expect(problemsOf(cnpgCluster({ managed: { roles } }))).toEqual(['spec.managed.roles[1].ensure: must be one of: present, absent']);
  });

  test('a Go-regex pattern still applies (resource quantities)', () => {
    expect(problemsOf(cnpgCluster({ resources: { requests: { memory: '1 gig' } } }))).toEqual([
      expect.stringMatching(/^spec\.resources\.requests\.memory: must match \^\(\\\+\|-\)\?/),
    ]);
    expect(problemsOf(cnpgCluster({ resources: { requests: { memory: '512Mi', cpu: 1 } } }))).toEqual([]);
  });
});

describe('External Secrets', () => {
  const externalSecret = {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'db-credentials' },
    spec: {
      refreshInterval: '1h',
      target: { name: 'db-credentials', creationPolicy: 'Owner' },
      dataFrom: [
        {
          sourceRef: {
            generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'VaultDynamicSecret', name: 'pg-creds' },
          },
        },
      ],
    },
  };

  test('an ExternalSecret v1 with a generatorRef passes', () => {
    expect(validator.validate([externalSecret])).toEqual([]);
  });

  test('v1beta1 is in the CRD but not served', () => {
    expect(problemsOf({ ...externalSecret, apiVersion: 'external-secrets.io/v1beta1' })).toEqual([
      ': no schema for external-secrets.io/v1beta1 ExternalSecret (its CRD serves only: v1)',
    ]);
  });
});

describe('Crunchy PGO PostgresCluster', () => {
  test('a cluster with a volume repo passes', () => {
    expect(validator.validate([pgoCluster()])).toEqual([]);
  });

  test('a repo name outside repo1-4 fails with the pattern', () => {
    expect(problemsOf(pgoCluster('repo9'))).toEqual(['spec.backups.pgbackrest.repos[0].name: must match ^repo[1-4]']);
  });
});

describe('core kinds', () => {
  test('a StatefulSet passes', () => {
    expect(validator.validate([statefulSet()])).toEqual([]);
  });

  test('a StatefulSet with a string replica count fails at spec.replicas', () => {
    expect(problemsOf(statefulSet('two'))).toEqual(['spec.replicas: must be integer']);
  });

  test('int-or-string alternatives give one message', () => {
    const sts = statefulSet();
    const container = sts.spec.template.spec.containers[0] as Record<string, unknown>;
    container.readinessProbe = { tcpSocket: { port: true } };
    expect(problemsOf(sts)).toEqual(['spec.template.spec.containers[0].readinessProbe.tcpSocket.port: must be string or integer']);
  });

  test('CronJob schedules must be 5-field cron or a macro', () => {
    expect(validator.validate([cronJob('30 2 * * *'), cronJob('@daily'), cronJob('*/15 1-5 * JAN-MAR mon,fri')])).toEqual([]);
    expect(problemsOf(cronJob('0 30 2 * * *'))).toEqual([
      expect.stringMatching(/^spec\.schedule: must be a cron expression with 5 fields .*got 6 fields/),
    ]);
    expect(problemsOf(cronJob('0 25 * * *'))).toEqual(['spec.schedule: hour field "25": 25 is outside 0-23']);
    expect(problemsOf(cronJob('@fortnightly'))).toHaveLength(1);
  });

  test('ConfigMap data keys with dots are quoted in paths', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'conf' }, data: { 'postgresql.conf': 5 } };
    expect(problemsOf(cm)).toEqual(['data["postgresql.conf"]: must be string']);
  });
});

describe('every object', () => {
  test('an unknown kind is a problem', () => {
    const problems = validator.validate([{ apiVersion: 'example.org/v1', kind: 'Nope', metadata: { name: 'x' } }]);
    expect(problems).toEqual([
      { index: 0, object: 'example.org/v1 Nope x', path: '', message: 'no schema for example.org/v1 Nope (add its CRD with --crds DIR)' },
    ]);
  });

  test('names must be DNS subdomains', () => {
    expect(problemsOf({ ...statefulSet(), metadata: { name: 'Bad_Name' } })).toEqual([
      expect.stringMatching(/^metadata\.name: must be a DNS subdomain/),
    ]);
    expect(problemsOf({ ...cnpgCluster(), metadata: { namespace: 'x' } })).toEqual(['metadata: missing required field "name"']);
  });

  test('non-objects and missing apiVersion/kind', () => {
    const problems = validator.validate([null, { metadata: { name: 'a' } }]);
    expect(problems.map((p) => [p.index, p.object, p.path, p.message])).toEqual([
      [0, 'object #0', '', 'must be an object (a Kubernetes manifest)'],
      [1, '? ? a', '', 'missing required field "apiVersion"'],
      [1, '? ? a', '', 'missing required field "kind"'],
    ]);
  });

  test('problems keep their object index', () => {
    const problems = validator.validate([cnpgCluster(), statefulSet('two'), pgoCluster('repo9')]);
    expect(problems.map((p) => [p.index, p.object])).toEqual([
      [1, 'apps/v1 StatefulSet db'],
      [2, 'postgres-operator.crunchydata.com/v1beta1 PostgresCluster hippo'],
    ]);
  });

  test('knows CRD kinds and core kinds, not sub-types', () => {
    expect(validator.knows('postgresql.cnpg.io/v1', 'Cluster')).toBe(true);
    expect(validator.knows('generators.external-secrets.io/v1alpha1', 'VaultDynamicSecret')).toBe(true);
    expect(validator.knows('apps/v1', 'StatefulSet')).toBe(true);
    expect(validator.knows('v1', 'ConfigMap')).toBe(true);
    expect(validator.knows('rbac.authorization.k8s.io/v1', 'RoleBinding')).toBe(true);
    expect(validator.knows('policy/v1', 'PodDisruptionBudget')).toBe(true);
    expect(validator.knows('v1', 'PodSpec')).toBe(false);
    expect(validator.knows('apps/v1', '../../index')).toBe(false);
    expect(validator.knows('postgresql.cnpg.io/v2', 'Cluster')).toBe(false);
  });
});

describe('formatManifestProblems', () => {
  test('one line per problem; the root path is left out', () => {
    const text = formatManifestProblems([
      { index: 0, object: 'postgresql.cnpg.io/v1 Cluster db', path: 'spec', message: 'unknown field "x"' },
      { index: 1, object: 'example.org/v1 Nope x', path: '', message: 'no schema' },
    ]);
    expect(text).toBe('postgresql.cnpg.io/v1 Cluster db: spec: unknown field "x"\nexample.org/v1 Nope x: no schema');
    expect(formatManifestProblems([])).toBe('');
  });
});

describe('schema features (fixture CRDs)', () => {
  const fixtureValidator = new ManifestValidator({ crdDirs: [fixtures] });
  const widget = (spec: Record<string, unknown>) => ({
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w' },
    spec: { size: 1, ...spec },
  });
  const check = (spec: Record<string, unknown>) => problemsOf(widget(spec), fixtureValidator);

  test('reads every CRD document of a multi-document file', () => {
    expect(fixtureValidator.knows('example.com/v1', 'Widget')).toBe(true);
    expect(fixtureValidator.knows('example.com/v1alpha1', 'Gadget')).toBe(true);
    expect(fixtureValidator.knows('example.com/v0', 'Widget')).toBe(false);
    expect(fixtureValidator.knows('postgresql.cnpg.io/v1', 'Cluster')).toBe(false);
    expect(
      problemsOf(
        { apiVersion: 'example.com/v1alpha1', kind: 'Gadget', metadata: { name: 'g' }, spec: { color: 'green' } },
        fixtureValidator,
      ),
    ).toEqual(['spec.color: must be one of: red, blue']);
  });

  test('a root without apiVersion/kind/metadata properties still takes them', () => {
    expect(problemsOf({ apiVersion: 'example.com/v1alpha1', kind: 'Gadget', metadata: { name: 'g' } }, fixtureValidator)).toEqual([]);
  });

  test('x-kubernetes-int-or-string', () => {
    expect(check({ size: '10Gi' })).toEqual([]);
    expect(check({ size: 1.5 })).toEqual(['spec.size: must be integer or string']);
    expect(check({ size: undefined })).toEqual(['spec: missing required field "size"']);
  });

  test('list-type set and map reject duplicates', () => {
    expect(
      check({
        tags: ['a', 'b'],
        ports: [
          { name: 'pg', port: 5432 },
          { name: 'metrics', port: 9187 },
        ],
      }),
    ).toEqual([]);
    expect(check({ tags: ['a', 'a'] })).toEqual(['spec.tags[1]: duplicate value "a"']);
    expect(
      check({
        ports: [
          { name: 'pg', port: 1 },
          { name: 'pg', port: 2 },
        ],
      }),
    ).toEqual(['spec.ports[1]: duplicate entry with name="pg"']);
    // Entries without their key are reported by `required`, not as duplicates of each other.
    expect(check({ ports: [{ port: 1 }, { port: 2 }] })).toEqual([
      'spec.ports[0]: missing required field "name"',
      'spec.ports[1]: missing required field "name"',
    ]);
  });

  test('formats: int32 range, Go and kube-openapi durations, unknown formats pass', () => {
    expect(check({ ports: [{ name: 'pg', port: 2 ** 31 }] })).toEqual(['spec.ports[0].port: must be a valid int32']);
    for (const timeout of ['1h30m', '5m', '672h', '200ms', '3d', '4 weeks', '12 hr']) expect(check({ timeout })).toEqual([]);
    expect(check({ timeout: 'soon' })).toEqual(['spec.timeout: must be a valid duration']);
    expect(check({ odd: 'anything' })).toEqual([]);
  });

  test('patterns: Go syntax through RE2, a JavaScript fallback, and uncompilable ones skipped', () => {
    expect(check({ code: 'ABC' })).toEqual([]);
    expect(check({ code: 'abc' })).toEqual(['spec.code: must match ^[[:upper:]]+$']);
    expect(check({ lookahead: 'xx' })).toEqual([]);
    expect(check({ lookahead: 'y' })).toEqual(['spec.lookahead: must match ^(?=x)x+$']);
    expect(check({ unchecked: 'anything' })).toEqual([]);
  });

  test('unknown fields: closed objects reject them, preserved and map objects keep them', () => {
    expect(check({ free: { known: 'a', other: 1 }, labels: { any: 'thing' } })).toEqual([]);
    expect(check({ labels: { any: 1 } })).toEqual(['spec.labels.any: must be string']);
    expect(check({ extra: true })).toEqual(['spec: unknown field "extra"']);
    expect(check({ template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 1 } } })).toEqual([]);
    expect(check({ template: { status: {} } })).toEqual(['spec.template: unknown field "status"']);
  });

  test('CEL rules are evaluated, on the CEL types of the schema (int-or-string 0 is an int)', () => {
    expect(check({ size: 0 })).toEqual(['spec: size must not be 0']);
    expect(check({ size: 1 })).toEqual([]);
  });

  test('a missing CRD dir is an error at construction', () => {
    expect(() => new ManifestValidator({ crdDirs: [path.join(fixtures, 'missing')] })).toThrow(/CRD directory not found/);
  });
});

describe('CRDs exported with kubectl get crd -o yaml (a List)', () => {
  test('validates against CRDs wrapped in a List', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgfleet-crdlist-'));
    const crd = YAML.parse(fs.readFileSync(path.join(pinned, 'postgresql.cnpg.io_scheduledbackups.yaml'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'crds.yaml'), YAML.stringify({ apiVersion: 'v1', kind: 'List', items: [crd] }));
    const v = new ManifestValidator({ crdDirs: [dir] });
    const ok = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'ScheduledBackup',
      metadata: { name: 'x' },
      spec: { cluster: { name: 'x' }, schedule: '0 0 0 * * *' },
    };
    expect(v.validate([ok])).toEqual([]);
    expect(v.validate([{ ...ok, spec: { ...ok.spec, schedulee: 'x' } }]).map((p) => p.message)).toEqual(['unknown field "schedulee"']);
  });
});
