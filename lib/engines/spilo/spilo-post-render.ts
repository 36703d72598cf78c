/**
 * What pgfleet changes in the objects the cas-postgres `patroni` chart renders, applied as a Helm
 * post-renderer when the release is installed or upgraded (`helm install --post-renderer`; the
 * Pulumi program passes it as the release's `postrender`). The chart offers no value for it.
 *
 * The chart's liveness probe is `httpGet /health :8008` after 120 s, failing after 10 × 10 s.
 * Patroni's /health answers 200 only while PostgreSQL runs, and during a bootstrap it does not: a
 * clone (`clone_with_wale.py` fetching a base backup and replaying WAL), the pg_upgrade that
 * follows it on a new major, and a replica's first basebackup all run inside Patroni's bootstrap,
 * so the kubelet kills the container about 3.5 minutes in, and the bootstrap starts over, forever.
 * pgfleet probes `GET /patroni` instead, Patroni's status endpoint (its peers read it in the leader
 * race, in every Patroni release): 200 whenever Patroni answers, whatever PostgreSQL is doing, and
 * a timeout when Patroni is gone or frozen, which is what a restart can cure. Patroni restarts a
 * stopped PostgreSQL by itself. (A TCP probe would pass on a frozen Patroni: the kernel accepts
 * the connection.) The probe's timing stays the chart's (derived from Patroni's watchdog
 * defaults).
 *
 * @see https://github.com/bcgov/cas-postgres/blob/main/helm/patroni/templates/statefulset-patroni.yaml
 * @see https://helm.sh/docs/topics/advanced/#post-rendering
 */
import { type Document, parseAllDocuments } from 'yaml';
import { PATRONI_API_PORT } from './spilo-chart';

/** The chart's container (`{{ .Chart.Name }}`). */
const PATRONI_CONTAINER = 'patroni';

/** The liveness probe pgfleet puts on the Patroni container. */
export const PATRONI_LIVENESS_PROBE = {
  httpGet: { path: '/patroni', port: PATRONI_API_PORT },
  initialDelaySeconds: 120,
  periodSeconds: 10,
  timeoutSeconds: 30,
  failureThreshold: 10,
} as const;

/**
 * The post-renderer as the release records it: an executable (relative to the project root) and
 * what it does. The description becomes the Helm release's description and a line of the values
 * file in `dist/`, so a change to the post-render is reviewed and reaches the cluster (Pulumi
 * upgrades a release only when its inputs change).
 */
export const SPILO_POST_RENDER = {
  command: 'bin/spilo-post-render.js',
  description:
    `livenessProbe of container ${PATRONI_CONTAINER} is httpGet /patroni :${PATRONI_API_PORT} (200 while Patroni answers) instead of ` +
    "the chart's httpGet /health, which fails while a clone, pg_upgrade or replica basebackup bootstraps",
} as const;

type Json = Record<string, any>;

function isPatroniStatefulSet(o: Json | null): boolean {
  return o?.kind === 'StatefulSet' && (o.spec?.template?.spec?.containers ?? []).some((c: Json) => c?.name === PATRONI_CONTAINER);
}

/**
 * The chart's rendered manifests (a multi-document YAML stream, as Helm hands them to a
 * post-renderer) with the Patroni container's liveness probe replaced. Throws when the stream
 * does not parse or holds no StatefulSet with a `patroni` container (another chart, or a chart
 * that changed): installing with the chart's probe would restart every clone mid-way.
 */
export function spiloPostRender(manifests: string): string {
  const docs: Document[] = parseAllDocuments(manifests) as Document[];
  const broken = docs.find((d) => d.errors.length);
  if (broken) throw new Error(`spilo post-render: the rendered chart does not parse: ${broken.errors[0].message}`);
  let patched = 0;
  for (const doc of docs) {
    const o = doc.toJS() as Json | null;
    if (!isPatroniStatefulSet(o)) continue;
    const i = (o!.spec.template.spec.containers as Json[]).findIndex((c) => c?.name === PATRONI_CONTAINER);
    doc.setIn(['spec', 'template', 'spec', 'containers', i, 'livenessProbe'], doc.createNode(PATRONI_LIVENESS_PROBE));
    patched++;
  }
  if (patched !== 1)
    throw new Error(
      `spilo post-render: expected one StatefulSet with a container named ${PATRONI_CONTAINER} in the rendered chart, found ${patched}; ` +
        'is this the cas-postgres patroni chart?',
    );
  // Each document keeps or gets its own `---`, so none runs into the next.
  return docs
    .map((d) => d.toString({ lineWidth: 0 }))
    .map((s) => (s.startsWith('---') ? s : `---\n${s}`))
    .join('');
}
