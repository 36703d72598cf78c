/**
 * pgfleet's Spilo values through the REAL cas-postgres `patroni` chart 0.21.4 and helm 3.16
 * (`helm template`, and `--post-renderer bin/spilo-post-render.js` as `pulumi up` installs it):
 * the objects the chart renders carry the names and labels pgfleet's own objects rely on, every
 * value pgfleet writes and every key its schema accepts is read by a template, and the liveness
 * probe no longer restarts a long bootstrap.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { patroniChartValues } from '../../lib/engines/spilo/spilo-chart-values';
import { PATRONI_LIVENESS_PROBE } from '../../lib/engines/spilo/spilo-post-render';
import type { RenderedStack } from '../../lib/outputs/render-stack';
import { find, render } from '../helpers';
import { upstreamDir } from '../upstream';
import { ciip, LIVE, upgraded, valuesOf } from '../engines/spilo-stack';
import { CHART_UPSTREAM, describeWithChart, helmTemplate, type Manifest, type Rendered } from './spilo-helm';

const NS = 'wksv3k-prod';
const ALLOW = [{ 'app.kubernetes.io/name': 'cas-ciip-portal' }];

/** The rendered objects, comparable across renders: the Secret's random passwords masked. */
function comparable(r: Rendered, randomPasswords: boolean): Manifest[] {
  return r.objects.map((o) =>
    o.kind === 'Secret' && randomPasswords ? { ...o, data: Object.fromEntries(Object.keys(o.data).map((k) => [k, '<random>'])) } : o,
  );
}

/** Deep-merges `overlay` into `base` (Helm's merge of -f files: maps merge, everything else replaces). */
function merged(base: Record<string, any>, overlay: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? merged(b, v) : v;
  }
  return out;
}

/** `{a: {b: v}}` for path `a.b`. */
function at(pathText: string, value: unknown): Record<string, any> {
  return pathText
    .split('.')
    .reverse()
    .reduce<any>((v, k) => ({ [k]: v }), value);
}

/** Every leaf of pgfleet's values (maps recurse, lists are leaves), with its path. */
function leaves(v: Record<string, any>, prefix = ''): { path: string; value: unknown }[] {
  return Object.entries(v).flatMap(([k, x]) =>
    x && typeof x === 'object' && !Array.isArray(x) ? leaves(x, `${prefix}${k}.`) : [{ path: `${prefix}${k}`, value: x }],
  );
}

/** Another value of the same type. */
function changed(value: unknown): unknown {
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'string') return `${value}x`;
  throw new Error(`no change for ${JSON.stringify(value)}`);
}

const renders = new Map<string, string>();

/** The chart's comparable output for `values`, rendered once per distinct values. */
function output(release: string, values: Record<string, any>): string {
  const key = JSON.stringify([release, values]);
  if (!renders.has(key))
    renders.set(key, JSON.stringify(comparable(helmTemplate(release, NS, [values]), values.credentials?.random === true)));
  return renders.get(key)!;
}

/** Does the chart's output change when `overlay` is added to `base`? */
function readsOverlay(release: string, base: Record<string, any>, overlay: Record<string, any>): boolean {
  return output(release, base) !== output(release, merged(base, overlay));
}

describeWithChart('Spilo values through the cas-postgres patroni chart 0.21.4 (helm template)', () => {
  const prodWithRestore = ciip({
    generations: [{ name: LIVE }, { name: 'ciip-portal-r1', restoreFrom: { generation: LIVE, targetTime: '2022-06-05 08:00:00-08:00' } }],
    serving: LIVE,
    allowFrom: ALLOW,
  });
  let stack: RenderedStack;
  beforeAll(() => {
    stack = render(prodWithRestore);
  });

  describe.each([LIVE, 'ciip-portal-r1'])('release %s', (release) => {
    let chart: Rendered;
    let sts: Manifest;
    beforeAll(() => {
      chart = helmTemplate(release, NS, [valuesOf(stack, release) as Record<string, unknown>], { postRender: true });
      sts = chart.find('StatefulSet', release);
    });

    test('renders exactly the objects pgfleet names, all called after the generation', () => {
      expect(chart.objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`).sort()).toEqual(
        [
          `apps/v1 StatefulSet ${release}`,
          `policy/v1 PodDisruptionBudget ${release}-pdb`,
          `rbac.authorization.k8s.io/v1 Role ${release}`,
          `rbac.authorization.k8s.io/v1 RoleBinding ${release}`,
          `v1 Secret ${release}`,
          `v1 Service ${release}`,
          `v1 Service ${release}-readonly`,
          `v1 ServiceAccount ${release}`,
        ].sort(),
      );
      expect(sts.spec.volumeClaimTemplates.map((t: Manifest) => t.metadata.name)).toEqual(['storage-volume']);
      expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
      expect(sts.spec.replicas).toBe(3);
    });

    test("pgfleet's NetworkPolicy selects exactly the chart's pods, on the ports they listen on", () => {
      const policy = find(stack, 'NetworkPolicy', `${release}-ingress`);
      const podLabels = sts.spec.template.metadata.labels;
      expect(podLabels).toEqual({ app: release, release });
      expect(policy.spec.podSelector.matchLabels).toEqual(podLabels);
      expect(policy.spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: podLabels } }]);
      const ports = sts.spec.template.spec.containers[0].ports.map((p: Manifest) => p.containerPort).sort();
      expect(ports).toEqual([5432, 8008]);
      expect(policy.spec.ingress[0].ports.map((p: Manifest) => p.port).sort()).toEqual(ports);
      expect(policy.spec.ingress[1]).toEqual({
        from: [{ podSelector: { matchLabels: ALLOW[0] } }],
        ports: [{ port: 5432, protocol: 'TCP' }],
      });
      // Patroni labels its ConfigMaps and pods with the same labels (KUBERNETES_LABELS), and the
      // anti-affinity spreads exactly these pods (nameOverride).
      const env = Object.fromEntries(sts.spec.template.spec.containers[0].env.map((e: Manifest) => [e.name, e.value]));
      expect(JSON.parse(env.KUBERNETES_LABELS)).toEqual(podLabels);
      expect(
        sts.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector,
      ).toEqual({ matchLabels: podLabels });
    });

    test('Spilo runs the scope and archive pgfleet records', () => {
      const env = Object.fromEntries(sts.spec.template.spec.containers[0].env.map((e: Manifest) => [e.name, e.value]));
      expect(env.SCOPE).toBe(release);
      expect(env.WALE_GS_PREFIX).toBe(stack.state.databases['ciip-portal'].generations[release].archives[0].url);
      expect(env.WALE_GS_PREFIX).toBe(`gs://wksv3k-prod-ciip-backups/wal/${release}`);
      expect(env.GOOGLE_APPLICATION_CREDENTIALS).toBe('/etc/credentials/credentials.json');
      expect(sts.spec.template.spec.volumes).toContainEqual({
        name: 'gcp-wksv3k-prod-ciip-backups-service-account-key',
        secret: { secretName: 'gcp-wksv3k-prod-ciip-backups-service-account-key' },
      });
      expect(env.PGVERSION).toBe('12');
    });
  });

  test("consumers' wiring names the serving release's Service, port and Secret key", () => {
    const chart = helmTemplate(LIVE, NS, [valuesOf(stack, LIVE) as Record<string, unknown>]);
    const consumer = find(stack, 'ExternalSecret', 'cas-ciip-portal-database-url');
    const service = chart.find('Service', LIVE);
    expect(consumer.spec.target.template.data.DATABASE_URL).toBe(
      `postgresql://admin:{{ .password | urlquery | replace "+" "%20" }}@${service.metadata.name}.${NS}.svc:${service.spec.ports[0].port}/ciip_portal?sslmode=require`,
    );
    // The leader Service: the pods Patroni labels spilo-role=master (configure_spilo's role_label).
    expect(service.spec.selector).toEqual({ app: LIVE, release: LIVE, 'spilo-role': 'master' });
    expect(service.spec.ports).toEqual([{ name: 'postgresql', port: 5432, protocol: 'TCP', targetPort: 'postgresql' }]);
    const secret = chart.find('Secret', LIVE);
    expect(consumer.spec.data).toEqual([{ secretKey: 'password', remoteRef: { key: secret.metadata.name, property: 'password-admin' } }]);
    expect(Object.keys(secret.data).sort()).toEqual(['password-admin', 'password-standby', 'password-superuser']);
    expect(find(stack, 'Role', 'ciip-portal-connections').rules[0].resourceNames).toEqual([LIVE, 'ciip-portal-r1']);
  });

  describe('the liveness probe', () => {
    test("the chart's own probe restarts the container 220 s after it starts unless /health answers 200", () => {
      const plain = helmTemplate(LIVE, NS, [valuesOf(stack, LIVE) as Record<string, unknown>]).find('StatefulSet', LIVE);
      const probe = plain.spec.template.spec.containers[0].livenessProbe;
      expect(probe).toEqual({
        httpGet: { path: '/health', port: 8008 },
        initialDelaySeconds: 120,
        timeoutSeconds: 30,
        failureThreshold: 10,
      });
      // periodSeconds defaults to 10: the 10th failure after 120 s + 10 × 10 s.
      expect(probe.initialDelaySeconds + probe.failureThreshold * 10).toBe(220);
    });

    test.each([
      ['a restore', 'ciip-portal-r1', () => render(prodWithRestore)],
      ['an upgrade', 'ciip-portal-pg14', () => render(upgraded())],
      ['a new scope', LIVE, () => render(ciip())],
    ])(
      'installed through the post-renderer, %s gets a probe of Patroni itself (GET /patroni) and nothing else changes',
      (_what, release, rendered) => {
        const values = valuesOf(rendered(), release) as Record<string, unknown>;
        const plain = helmTemplate(release, NS, [values]);
        const post = helmTemplate(release, NS, [values], { postRender: true });
        const container = post.find('StatefulSet', release).spec.template.spec.containers[0];
        expect(container.name).toBe('patroni');
        expect(container.livenessProbe).toEqual({
          httpGet: { path: '/patroni', port: 8008 },
          initialDelaySeconds: 120,
          periodSeconds: 10,
          timeoutSeconds: 30,
          failureThreshold: 10,
        });
        expect(container.livenessProbe).toEqual(PATRONI_LIVENESS_PROBE);
        expect(container.readinessProbe).toBeUndefined();
        expect(container.startupProbe).toBeUndefined();
        expect(JSON.stringify(post.objects)).not.toContain('/health');
        const withoutProbe = (objects: Manifest[]) =>
          objects.map((o) =>
            o.kind === 'StatefulSet'
              ? { ...o, spec: { ...o.spec, template: { ...o.spec.template, spec: { ...o.spec.template.spec, containers: [] } } } }
              : o,
          );
        const containerRest = (c: Manifest) => ({ ...c, livenessProbe: undefined });
        expect(withoutProbe(comparable(post, true))).toEqual(withoutProbe(comparable(plain, true)));
        expect(containerRest(container)).toEqual(containerRest(plain.find('StatefulSet', release).spec.template.spec.containers[0]));
      },
    );
  });

  describe('no dead values', () => {
    // A restore's values are the live release's plus CLONE_* (and its own names).
    test.each([
      ['a restore', 'ciip-portal-r1', () => render(prodWithRestore)],
      ['an upgrade', 'ciip-portal-pg14', () => render(upgraded())],
    ])('every value pgfleet writes for %s changes what the chart renders', (_what, release, rendered) => {
      const values = valuesOf(rendered(), release) as Record<string, any>;
      const all = leaves(values);
      expect(all.length).toBeGreaterThan(15);
      const dead = all.filter((l) => !readsOverlay(release, values, at(l.path, changed(l.value)))).map((l) => l.path);
      expect(dead).toEqual([]);
    });

    /** A value for each key of the schema (with what else it needs to be read), beside pgfleet's values. */
    const SAMPLES: Record<string, { value: unknown; needs?: Record<string, any> }> = {
      nameOverride: { value: 'other' },
      fullnameOverride: { value: 'other' },
      replicaCount: { value: 5 },
      'image.repository': { value: 'registry.example/spilo' },
      'image.tag': { value: 'other' },
      'image.pullPolicy': { value: 'Always' },
      'credentials.random': { value: false },
      'credentials.superuser': { value: 'x', needs: { credentials: { random: false } } },
      'credentials.admin': { value: 'x', needs: { credentials: { random: false } } },
      'credentials.standby': { value: 'x', needs: { credentials: { random: false } } },
      'kubernetes.dcs.enable': { value: false },
      'kubernetes.configmaps.enable': { value: false },
      env: { value: { LOG_S3_BUCKET: 'logs' } },
      'walE.enable': { value: false },
      'walE.scheduleCronJob': { value: '0 2 * * *' },
      'walE.retainBackups': { value: 7 },
      'walE.s3Bucket': { value: 'other' },
      'walE.gcsBucket': { value: 'other' },
      'walE.gcsBucketBackupLocation': { value: 'other' },
      'walE.kubernetesSecret': { value: 'other' },
      'walE.backupThresholdMegabytes': { value: 2048 },
      'walE.backupThresholdPercentage': { value: 50 },
      'persistentVolume.enabled': { value: false },
      'persistentVolume.size': { value: '20Gi' },
      'persistentVolume.storageClass': { value: 'other' },
      'persistentVolume.subPath': { value: 'data' },
      'persistentVolume.mountPath': { value: '/data' },
      'persistentVolume.annotations': { value: { a: 'b' } },
      'persistentVolume.accessModes': { value: ['ReadWriteOncePod'] },
      'resources.limits.cpu': { value: '2' },
      'resources.limits.memory': { value: '3Gi' },
      'resources.limits.ephemeral-storage': { value: '1Gi' },
      'resources.requests.cpu': { value: '1' },
      'resources.requests.memory': { value: '512Mi' },
      'resources.requests.ephemeral-storage': { value: '1Gi' },
      nodeSelector: { value: { zone: 'a' } },
      tolerations: { value: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }] },
      affinityTemplate: { value: 'podAntiAffinity: {}' },
      affinity: { value: { podAntiAffinity: {} } },
      schedulerName: { value: 'stork' },
      'rbac.create': { value: false },
      'serviceAccount.create': { value: false },
      'serviceAccount.name': { value: 'other' },
    };

    /** The schema's keys: objects recurse, anything else (records and lists too) is a leaf. */
    function schemaKeys(schema: any, prefix = ''): string[] {
      let s = schema;
      while (['optional', 'nullable'].includes(s._zod.def.type)) s = s.unwrap();
      if (s._zod.def.type !== 'object') return [prefix.slice(0, -1)];
      return Object.entries(s.shape).flatMap(([k, v]) => schemaKeys(v, `${prefix}${k}.`));
    }

    test('the samples cover exactly the keys of the chart-values schema', () => {
      expect(schemaKeys(patroniChartValues).sort()).toEqual(Object.keys(SAMPLES).sort());
      for (const [key, { value, needs }] of Object.entries(SAMPLES))
        expect([key, patroniChartValues.safeParse(merged(needs ?? {}, at(key, value))).success]).toEqual([key, true]);
    });

    test('every key the schema accepts changes what the chart renders', () => {
      const values = valuesOf(stack, LIVE) as Record<string, any>;
      const dead = Object.entries(SAMPLES)
        .filter(([key, { value, needs }]) => !readsOverlay(LIVE, merged(values, needs ?? {}), at(key, value)))
        .map(([key]) => key);
      expect(dead).toEqual([]);
    });

    test("values.yaml's consul.hosts and postgresql.callbacks are read by no template (the schema refuses them)", () => {
      const values = valuesOf(stack, LIVE) as Record<string, any>;
      expect(readsOverlay(LIVE, values, { consul: { hosts: "'consul-a:8500'" } })).toBe(false);
      expect(readsOverlay(LIVE, values, { postgresql: { callbacks: { on_role_change: '/bin/true' } } })).toBe(false);
      // ... though the chart's values.yaml documents consul.hosts.
      const defaults = parse(fs.readFileSync(path.join(upstreamDir(CHART_UPSTREAM)!, 'patroni', 'values.yaml'), 'utf8'));
      expect(Object.keys(defaults.consul)).toEqual(['enable', 'deployChart', 'hosts']);
      expect(patroniChartValues.safeParse({ consul: { hosts: 'x' } }).success).toBe(false);
      expect(patroniChartValues.safeParse({ postgresql: { callbacks: {} } }).success).toBe(false);
    });
  });
});
