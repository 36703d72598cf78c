/**
 * `pgfleet plan`: the ordered runbook for a stack's pending change, built from its diff. What
 * `pulumi up` does and in which order (dependsOn first, then from harmless to heavy, releases
 * last), what to wait for and how to check it (the matched rules' steps), what stays manual, and
 * the follow-up config change that completes a phased operation (cutover, removing restoreFrom,
 * retiring the old generation, dropping spent acknowledgements).
 */
import type { ChangeClass, PlanSection } from '../engines/change-rule';
import type { ArchiveLocation } from '../config/stack-state';
import { describeArchives, describeTarget } from '../config/state-text';
import { severity } from './classify';
import type { Gate } from './diff-types';
import { foldStep } from './migration-review';
import { isGenerationRecord } from './state-changes';
import type { DatabaseDiff, ObjectDiff, StackDiff } from './diff-types';

export interface ApplyStep {
  /**
   * `release`: a data-bearing object leaves the stack; Pulumi stops managing it and keeps it
   * (retainOnDelete). `protect`: Pulumi's protection moves with `serving` (lib/pulumi/program.ts).
   */
  readonly action: 'create' | 'update' | 'delete' | 'release' | 'protect';
  readonly object: string;
  readonly file: string;
  readonly classes: readonly ChangeClass[];
  readonly why: string;
  /** Files created or updated first (dependsOn). */
  readonly after: readonly string[];
}

export interface Plan {
  readonly stack: string;
  readonly base: string;
  readonly databases: readonly DatabaseDiff[];
  readonly gate: Gate;
  readonly before: readonly string[];
  readonly apply: readonly ApplyStep[];
  readonly wait: readonly string[];
  readonly check: readonly string[];
  readonly manual: readonly string[];
  readonly followUp: readonly string[];
}

/** Objects in the order `pulumi up` applies them: dependencies first, then by class and file; releases and deletions last. */
export function applyOrder(objects: readonly ObjectDiff[]): ObjectDiff[] {
  const byClass = (a: ObjectDiff, b: ObjectDiff) => severity(a.class) - severity(b.class) || a.file.localeCompare(b.file);
  const live = objects.filter((o) => o.op !== 'removed');
  const files = new Set(live.map((o) => o.file));
  const done = new Set<string>();
  const out: ObjectDiff[] = [];
  while (out.length < live.length) {
    const ready = live.filter((o) => !done.has(o.file) && o.dependsOn.every((d) => done.has(d) || !files.has(d))).sort(byClass);
    // A cycle cannot come from a render (Pulumi would refuse it too); take the rest as they are.
    const next = ready[0] ?? live.filter((o) => !done.has(o.file)).sort(byClass)[0];
    done.add(next.file);
    out.push(next);
  }
  return [...out, ...objects.filter((o) => o.op === 'removed').sort(byClass)];
}

const title = (o: ObjectDiff) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
const list = (xs: readonly string[], database: string) => (xs.length ? xs.join(', ') : `the applications of ${database}`);

export function buildPlan(diff: StackDiff): Plan {
  const sections: Record<PlanSection, string[]> = { before: [], wait: [], check: [], manual: [], 'follow-up': [] };
  const add = (section: PlanSection, text: string) => {
    if (!sections[section].includes(text)) sections[section].push(text);
  };
  const g = diff.gate;
  if (!g.ok) {
    const byPath = new Map<string, string[]>();
    for (const a of g.missing) byPath.set(a.configPath, [...(byPath.get(a.configPath) ?? []), a.name]);
    for (const [path, names] of byPath)
      add(
        'before',
        `the gate fails: read \`pgfleet diff --stack ${diff.stack}\`, then add ${names.join(', ')} to ${path} if you mean it, ` +
          `or change the stack`,
      );
  }
  for (const u of g.unused)
    add(
      'before',
      `remove ${u.name} from ${u.configPath}: no change here needs it, and left in place it would accept a later change unreviewed`,
    );

  // Generation records (archive moves, dropped volumes) are reviewed and gated, not applied.
  const ordered = applyOrder(diff.objects.filter((o) => !isGenerationRecord(o)));
  const apply: ApplyStep[] = ordered.map((o) => {
    const top = o.changes[0];
    return {
      action: o.op === 'added' ? 'create' : o.op === 'changed' ? 'update' : o.dataBearing ? 'release' : 'delete',
      object: title(o),
      file: o.file,
      classes: [...new Set(o.changes.flatMap((c) => c.reasons.map((r) => r.class)))].sort((a, b) => severity(b) - severity(a)),
      why: top.reasons[0].why,
      after: o.dependsOn.filter((d) => ordered.some((x) => x.file === d)),
    };
  });

  for (const d of diff.databases.filter((x) => x.serving.before !== undefined && x.serving.before !== x.serving.after)) {
    apply.push({
      action: 'protect',
      object: `generation ${d.serving.after}`,
      file: '',
      classes: ['safe'],
      why:
        `protection follows serving: Pulumi now refuses to delete or replace ${d.serving.after}'s data-bearing objects, ` +
        `and no longer ${d.serving.before}'s`,
      after: [],
    });
  }

  // Generation records first: what they ask (e.g. stopping a migration's writers) comes before the objects' own steps.
  for (const o of [...diff.objects.filter(isGenerationRecord), ...ordered]) {
    for (const c of o.changes) {
      const hasBefore = c.steps.some((s) => s.section === 'before');
      for (const step of c.steps) add(step.section, step.text);
      if (c.reasons.some((r) => r.class === 'irreversible') && !hasBefore) {
        add(
          'before',
          `make sure a recent backup of ${o.generation ?? o.name} exists: ` +
            `after this change the only way back is restoring it into a new generation`,
        );
      }
    }
  }

  for (const d of diff.databases) databaseSteps(diff, d, add);
  for (const a of g.required.filter((x) => x.by === 'acknowledge')) {
    add(
      'follow-up',
      `once \`pulumi up\` has applied this change, remove ${a.name} from ${a.configPath}: ` +
        `left in place it would accept the next such change unreviewed`,
    );
  }
  return {
    stack: diff.stack,
    base: diff.base,
    databases: diff.databases,
    gate: g,
    before: sections.before,
    apply,
    wait: sections.wait,
    check: sections.check,
    manual: sections.manual,
    followUp: sections['follow-up'],
  };
}

/** Two locations of which one holds the other (compared as folders: `s3://b/x` holds `s3://b/x/y/`). */
function overlaps(a: ArchiveLocation, b: ArchiveLocation): boolean {
  const dir = (p: string) => (p.endsWith('/') ? p : `${p}/`);
  return dir(a.url).startsWith(dir(b.url)) || dir(b.url).startsWith(dir(a.url));
}

const retireStep = (d: DatabaseDiff, gen: string) =>
  `after a grace period in which ${gen} stays available to switch back to, retire it: add ${gen} to ${d.path}.retired`;

/** What deleting a released data-bearing object takes with it, by kind. */
function whatDeletionTakes(o: ObjectDiff, generation: string): string {
  switch (o.kind) {
    case 'StatefulSet':
      return `deleting it stops ${generation}'s server, and its claims stay until you delete them (below)`;
    case 'PersistentVolumeClaim':
      return `deleting it deletes ${generation}'s data (a Retain storage class keeps the volume until you delete it too)`;
    case 'HelmValues':
      return `uninstalling the release stops ${generation}'s pods, and the claims of its StatefulSet stay until you delete them`;
    default:
      return `deleting it deletes ${generation}'s data (the operator deletes its volumes with it)`;
  }
}

/** The steps that follow from generations appearing, serving moving and generations retiring. */
function databaseSteps(diff: StackDiff, d: DatabaseDiff, add: (s: PlanSection, t: string) => void): void {
  const objects = diff.objects.filter((o) => o.database === d.name);
  const apps = d.consumers.map((c) => c.app);
  const classes = new Set(objects.flatMap((o) => o.changes.flatMap((c) => c.reasons.map((r) => r.class))));
  const serving = d.serving.after;
  const cutover = d.serving.before !== undefined && d.serving.before !== serving;

  if (classes.has('downtime')) {
    const down = [
      ...new Set(
        objects.filter((o) => o.changes.some((c) => c.reasons.some((r) => r.class === 'downtime'))).map((o) => o.generation ?? o.name),
      ),
    ];
    add(
      'before',
      `announce the downtime and put up a maintenance page for ${list(apps, d.name)}: ${down.join(', ')} will be offline while the change runs`,
    );
    const continues = objects.some((o) => o.changes.some((c) => c.outageContinues));
    add(
      'manual',
      continues
        ? `keep the maintenance page of ${list(apps, d.name)} up: ${down.join(', ')} stays offline until the follow-up change below is applied`
        : `take the maintenance page of ${list(apps, d.name)} down once the waits above are done`,
    );
  }

  for (const gen of d.generations.filter((x) => x.status === 'new')) {
    const b = gen.bootstrap;
    if (!b || b.kind === 'initdb') continue;
    const what =
      b.kind === 'restore'
        ? `restored from ${b.source} (${describeTarget(b.target)})`
        : b.kind === 'migrate'
          ? `copied from ${b.source}`
          : `upgraded from ${b.source}`;
    const field = `${b.kind}From`;
    add(
      'check',
      `verify the data of ${gen.name} (${what}) before anyone uses it: connect to ${gen.name} itself, ` +
        `not through the consumers' Secret (which still points at ${serving}), ` +
        `and check the newest rows${b.kind === 'restore' ? ' are from just before the target' : ' and row counts match'}`,
    );
    // An engine that spells out its own follow-ups for the new generation knows its phases best.
    const engineFollowUps = objects.some(
      (o) => o.generation === gen.name && o.changes.some((c) => c.steps.some((st) => st.section === 'follow-up')),
    );
    if (engineFollowUps) continue;
    if (serving !== gen.name) {
      add(
        'follow-up',
        `cut over: set ${d.path}.serving: ${gen.name}, synth, review \`pgfleet diff\`, \`pulumi up\`; ` +
          `writes to ${b.source} made after ${b.kind === 'restore' ? 'the target' : b.kind === 'migrate' ? "the import's snapshot" : 'the copy'} are not in ${gen.name}, ` +
          `so stop ${list(apps, d.name)} first if they matter`,
      );
    }
    add(
      'follow-up',
      `once ${gen.name} runs and has its first backup, remove ${gen.path}.${field}: ` +
        `it is read only at creation (the diff shows the removal as no-op)`,
    );
    if (b.source) add('follow-up', retireStep(d, b.source));
  }

  if (cutover) {
    const old = d.serving.before!;
    for (const c of d.consumers)
      add(
        'manual',
        `restart ${c.app} so it reads ${serving}'s connection from Secret ${c.secretName}: ` +
          `\`kubectl -n ${d.namespace} rollout restart deployment/${c.app}\` (\`oc rollout latest dc/${c.app}\` for an OpenShift ` +
          `DeploymentConfig; applications that re-read the Secret need no restart)`,
      );
    add(
      'check',
      `${apps.length ? `the applications (${apps.join(', ')})` : `the applications of ${d.name}`} work against ${serving}; ${old} no longer receives writes ` +
        `(\`SELECT count(*) FROM pg_stat_activity WHERE datname IS NOT NULL AND backend_type = 'client backend'\` on ${old})`,
    );
    if (!d.generations.some((x) => x.name === old && x.status === 'retired')) {
      add('follow-up', retireStep(d, old));
    }
  }

  const fold = foldStep(d);
  if (fold) add('follow-up', fold);
  decommissionSteps(d, add);

  const allLiveArchives = diff.databases.flatMap((x) => x.generations.flatMap((g) => (g.status !== 'retired' && g.after?.archives) || []));
  for (const gen of d.generations.filter((x) => x.status === 'retired')) {
    // Workloads before their volumes: a claim still mounted stays Terminating until its pods are gone.
    const removed = objects.filter((x) => x.op === 'removed' && x.dataBearing && x.generation === gen.name);
    for (const o of [...removed].sort((a, b) => Number(a.kind === 'PersistentVolumeClaim') - Number(b.kind === 'PersistentVolumeClaim'))) {
      if (!o.changes.some((c) => c.steps.some((s) => s.section === 'manual'))) {
        add(
          'manual',
          `after the grace period, delete ${title(o)} by hand (\`kubectl -n ${o.namespace ?? d.namespace} delete ` +
            `${o.kind.toLowerCase()} ${o.name}\`): Pulumi only let go of it; ${whatDeletionTakes(o, gen.name)}`,
        );
      }
    }
    const archives = gen.before?.archives ?? [];
    if (!archives.length) continue;
    const archive = describeArchives(archives);
    // Never tell to delete a location that holds (or lies inside) a live generation's archive.
    const overlapping = allLiveArchives.filter((a) => archives.some((r) => overlaps(a, r))).map((a) => a.url);
    if (overlapping.length) {
      add(
        'manual',
        `keep the archive of ${gen.name} (${archive}): it overlaps the live archive ${overlapping.join(', ')}; ` +
          `delete only ${gen.name}'s own files there, by hand, once its backups are no longer needed`,
      );
    } else {
      add('manual', `delete the archive of ${gen.name} (${archive}) once its backups are no longer needed: pgfleet never deletes archives`);
    }
  }
}

/** The three changes of a decommission: protection lifted, every generation retired, the entry removed. */
function decommissionSteps(d: DatabaseDiff, add: (s: PlanSection, t: string) => void): void {
  if (!d.decommission.after) return;
  const live = d.generations.filter((g) => g.after).map((g) => g.name);
  if (live.length) {
    if (!d.decommission.before)
      add('check', `after \`pulumi up\`, \`pulumi stack export\` shows no \`"protect": true\` on ${d.name}'s resources`);
    add(
      'follow-up',
      `once \`pulumi up\` has lifted the protection, retire every generation: add ${live.join(', ')} to ${d.path}.retired, synth, ` +
        `review \`pgfleet diff\`, \`pulumi up\``,
    );
  } else {
    add('follow-up', `once the objects and archives above are deleted (or kept on purpose), remove the entry ${d.path} from the stack`);
  }
}
