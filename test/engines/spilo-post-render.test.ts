/** Spilo engine: the Helm post-renderer that replaces the chart's liveness probe (the real chart: test/integration/spilo-chart.test.ts). */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { PATRONI_LIVENESS_PROBE, SPILO_POST_RENDER, spiloPostRender } from '../../lib/engines/spilo/spilo-post-render';
import { ROOT } from '../helpers';

const STATEFULSET = `---
# Source: patroni/templates/statefulset-patroni.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ciip-portal-r1
spec:
  template:
    spec:
      containers:
      - name: patroni
        image: "ghcr.io/bcgov/cas-postgres:9a6cd902e167dfc53e9588fa661a7ea03fc4729d"
        env:
        - name: KUBERNETES_LABELS
          value: "{ \\"app\\": \\"ciip-portal-r1\\", \\"release\\": \\"ciip-portal-r1\\" }"
        livenessProbe:
          httpGet:
            path: /health
            port: 8008
          initialDelaySeconds: 120
          timeoutSeconds: 30
          failureThreshold: 10
`;
const SERVICE = `---
# Source: patroni/templates/svc-patroni.yaml
apiVersion: v1
kind: Service
metadata:
  name: ciip-portal-r1
`;

const objects = (stream: string) => parseAllDocuments(stream).map((d) => d.toJS());

describe('Spilo engine: post-render of the patroni chart', () => {
  test("replaces the patroni container's liveness probe and keeps every other object and field", () => {
    const out = objects(spiloPostRender(SERVICE + STATEFULSET));
    const before = objects(SERVICE + STATEFULSET);
    expect(out).toHaveLength(2);
    expect(out[0]).toEqual(before[0]);
    expect(out[1].spec.template.spec.containers[0].livenessProbe).toEqual({
      httpGet: { path: '/patroni', port: 8008 },
      initialDelaySeconds: 120,
      periodSeconds: 10,
      timeoutSeconds: 30,
      failureThreshold: 10,
    });
    const rest = (o: any) => ({ ...o.spec.template.spec.containers[0], livenessProbe: undefined });
    expect(rest(out[1])).toEqual(rest(before[1]));
    expect(out[1].spec.template.spec.containers[0].env[0].value).toBe('{ "app": "ciip-portal-r1", "release": "ciip-portal-r1" }');
  });

  test('fails: a stream without the StatefulSet (another chart, or a changed one) is refused, not passed through', () => {
    expect(() => spiloPostRender(SERVICE)).toThrow(
      'spilo post-render: expected one StatefulSet with a container named patroni in the rendered chart, found 0; is this the cas-postgres patroni chart?',
    );
    expect(() => spiloPostRender(STATEFULSET + STATEFULSET)).toThrow('found 2');
    expect(() => spiloPostRender('kind: [unclosed')).toThrow(/^spilo post-render: the rendered chart does not parse: /);
  });

  test('bin/spilo-post-render.js reads the chart on stdin, prints it changed, and exits 1 with the reason otherwise', () => {
    const bin = path.join(ROOT, SPILO_POST_RENDER.command);
    const good = spawnSync(bin, [], { input: STATEFULSET, encoding: 'utf8' });
    expect(good.status).toBe(0);
    expect(objects(good.stdout)[0].spec.template.spec.containers[0].livenessProbe).toEqual(PATRONI_LIVENESS_PROBE);
    const bad = spawnSync(bin, [], { input: SERVICE, encoding: 'utf8' });
    expect([bad.status, bad.stdout, bad.stderr.trim()]).toEqual([
      1,
      '',
      'spilo post-render: expected one StatefulSet with a container named patroni in the rendered chart, found 0; is this the cas-postgres patroni chart?',
    ]);
  });
});
