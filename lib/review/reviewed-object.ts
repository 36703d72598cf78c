import { parseState } from '../config/load-stack';
/**
 * The objects of one stack's output as the review sees them: parsed from the files of
 * `dist/<stack>/` (the base, read from git or a directory) or taken from a fresh render (which
 * also knows which objects hold data and what they depend on).
 */
import { Chart } from 'cdk8s';
import { parse } from 'yaml';
import { DatabaseChart } from '../outputs/database-chart';
import { type EngineStateSchema, STATE_FILE, type StackState } from '../config/stack-state';
import { DataBearing } from '../constructs/data-bearing';
import type { RenderedStack } from '../outputs/render-stack';

/** `apiVersion kind` of the pseudo-object a Helm values file is reviewed as. */
export const HELM_VALUES_KIND = 'pgfleet.io/v1 HelmValues';

export interface ReviewedObject {
  /** File under `dist/<stack>/`. */
  readonly file: string;
  /** `apiVersion kind`, as change rules name it. */
  readonly apiKind: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly manifest: Readonly<Record<string, any>>;
  /** The fleet database the object belongs to (label `pgfleet.io/database`), if known. */
  readonly database?: string;
  /** Generation whose data the object holds (known for rendered objects only). */
  readonly dataBearing?: string;
  /** Files this object is created after (rendered objects only). */
  readonly dependsOn: readonly string[];
}

const VALUES_FILE = /^helmrelease-(.+)\.values\.yaml$/;
const VALUES_HEADER = /^# Values for chart (\S+) (\S+) from (\S+), release (\S+) in (\S+)\.$/m;
const POST_RENDER_HEADER = /^# Post-rendered by (\S+): (.+)\.$/m;

/** Files that are not objects: the kustomization and the state. */
export function isObjectFile(file: string): boolean {
  return file !== 'kustomization.yaml' && file !== STATE_FILE && /\.ya?ml$/.test(file);
}

/**
 * A Helm values file as an object: the values themselves (rule paths are the values' own, e.g.
 * `env.PGVERSION`), plus the chart it is installed with under `@chart` (`@chart.version`) and
 * its post-renderer under `@postRender` (`@postRender.description`).
 */
function valuesObject(file: string, content: string): ReviewedObject {
  const h = VALUES_HEADER.exec(content);
  const name = h?.[4] ?? VALUES_FILE.exec(file)![1];
  const values = (parse(content) as Record<string, unknown> | null) ?? {};
  const pr = POST_RENDER_HEADER.exec(content);
  const manifest = {
    ...values,
    ...(h ? { '@chart': { name: h[1], version: h[2], repository: h[3] } } : {}),
    ...(pr ? { '@postRender': { command: pr[1], description: pr[2] } } : {}),
  };
  return { file, apiKind: HELM_VALUES_KIND, kind: 'HelmValues', name, namespace: h?.[5], manifest, dependsOn: [] };
}

function manifestObject(file: string, manifest: Record<string, any>): ReviewedObject {
  return {
    file,
    apiKind: `${manifest.apiVersion} ${manifest.kind}`,
    kind: String(manifest.kind),
    name: String(manifest.metadata?.name ?? file),
    namespace: manifest.metadata?.namespace,
    manifest,
    database: manifest.metadata?.labels?.['pgfleet.io/database'],
    dependsOn: [],
  };
}

/** The objects in a stack's files, by file name. Files that do not parse as one object are skipped. */
export function objectsOfFiles(files: ReadonlyMap<string, string>): Map<string, ReviewedObject> {
  const out = new Map<string, ReviewedObject>();
  for (const [file, content] of files) {
    if (!isObjectFile(file)) continue;
    if (VALUES_FILE.test(file)) {
      out.set(file, valuesObject(file, content));
      continue;
    }
    const manifest = parse(content) as Record<string, any> | null;
    if (manifest && typeof manifest === 'object' && manifest.kind && manifest.apiVersion) out.set(file, manifestObject(file, manifest));
  }
  return out;
}

/** The objects of a fresh render (of the files `include` selects), with what the render knows beyond the files. */
export function objectsOfRender(r: RenderedStack, include: (file: string) => boolean = () => true): Map<string, ReviewedObject> {
  const out = objectsOfFiles(new Map([...r.files].filter(([f]) => include(f))));
  for (const o of r.objects) {
    const parsed = out.get(o.file);
    if (parsed) out.set(o.file, { ...parsed, database: o.database, dataBearing: o.dataBearing, dependsOn: o.dependsOn });
  }
  for (const h of r.helmReleases) {
    const file = `helmrelease-${h.props.name}.values.yaml`;
    const parsed = out.get(file);
    const chart: Chart = Chart.of(h);
    if (parsed && chart instanceof DatabaseChart)
      out.set(file, { ...parsed, database: (chart as DatabaseChart).database.name, dataBearing: DataBearing.generationOf(h) });
  }
  return out;
}

/**
 * The state recorded in a stack's files; undefined when there is no state file. `where` is the
 * stack's base as shown (`HEAD:dist/indigo-prod`, a directory): messages name the file in it.
 */
export function stateOfFiles(
  files: ReadonlyMap<string, string>,
  engines: readonly EngineStateSchema[],
  where: string,
): StackState | undefined {
  const text = files.get(STATE_FILE);
  // `origin/main:dist/indigo-prod` → the file's path in the checkout, for the fix.
  const checkoutPath = `${where.slice(where.lastIndexOf(':') + 1)}/${STATE_FILE}`;
  return text === undefined ? undefined : parseState(text, `${where}/${STATE_FILE}`, engines, checkoutPath);
}
