/**
 * `pgfleet diff` output: text for a terminal (coloured when the CLI says so), markdown for a
 * pull-request comment, JSON for tools. All three carry the same facts: per stack and object
 * what is added, removed or changed, field paths old → new, the class with one line why, and
 * the gate with exactly what to acknowledge where.
 */
import type { Acknowledgement } from './diff-types';
import { describeArchives, describeBootstrap } from '../config/state-text';
import { CHANGE_CLASSES, type ChangeClass } from '../engines/change-rule';
import { showValue, type Change } from './classify';
import type { DatabaseDiff, ObjectDiff, StackDiff } from './diff-types';
import { style as makeStyle, type Style } from './style';

export type ReviewFormat = 'text' | 'markdown' | 'json';

const SIGN: Record<ObjectDiff['op'], string> = { added: '+', removed: '-', changed: '~' };

const objectTitle = (o: ObjectDiff) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;

/** Count of changes per class, most severe first: `irreversible 1, safe 2`. */
function classCounts(objects: readonly ObjectDiff[]): string {
  const counts = new Map<ChangeClass, number>();
  for (const c of objects.flatMap((o) => o.changes)) counts.set(c.class, (counts.get(c.class) ?? 0) + 1);
  return [...CHANGE_CLASSES]
    .reverse()
    .filter((c) => counts.has(c))
    .map((c) => `${c} ${counts.get(c)}`)
    .join(', ');
}

function opCounts(objects: readonly ObjectDiff[]): string {
  const n = (op: ObjectDiff['op']) => objects.filter((o) => o.op === op).length;
  return `${objects.length} object${objects.length === 1 ? '' : 's'}: ${n('added')} added, ${n('changed')} changed, ${n('removed')} removed`;
}

/** `serving forgejo-db → forgejo-db-20261120`, new, retired and upgraded generations. */
export function databaseLines(d: DatabaseDiff): string[] {
  const lines: string[] = [];
  const serving =
    d.serving.before === d.serving.after || d.serving.before === undefined
      ? `serving ${d.serving.after}`
      : `serving ${d.serving.before} → ${d.serving.after} (cutover)`;
  lines.push(`${d.name} (${d.engine}, namespace ${d.namespace}): ${serving}`);
  const live = d.generations.filter((g) => g.after).length;
  if (d.decommission.after && live)
    lines.push(`  decommissioning: Pulumi protects none of its generations; retiring the last one is allowed from the next change`);
  else if (d.decommission.after) lines.push(`  decommissioned: every generation retired, nothing of it is deployed; remove the entry next`);
  for (const g of d.generations) {
    if (g.status === 'new')
      lines.push(
        `  + generation ${g.name}: ${g.after!.engine ? `${g.after!.engine}, ` : ''}PostgreSQL ${g.after!.postgresVersion}, ${describeBootstrap(g.after!.bootstrap)}${g.after!.archives.length ? `, archive ${describeArchives(g.after!.archives)}` : ''}`,
      );
    else if (g.status === 'retired') lines.push(`  - generation ${g.name}: retired (PostgreSQL ${g.before!.postgresVersion})`);
    else if (g.before!.postgresVersion !== g.after!.postgresVersion)
      lines.push(`  ~ generation ${g.name}: PostgreSQL ${g.before!.postgresVersion} → ${g.after!.postgresVersion}`);
  }
  return lines;
}

const ackState = (a: Acknowledgement) =>
  a.acknowledged
    ? `acknowledged (${a.by === 'retired' ? 'the stack retires it by name' : `in ${a.configPath}`})`
    : `NOT acknowledged: add to ${a.configPath}`;

function fieldText(c: Change): { head: string; fields: string[] } {
  if (c.fields.length === 1 && c.fields[0].path === c.path) {
    const f = c.fields[0];
    return { head: `${c.path}: ${showValue(f.before)} → ${showValue(f.after)}`, fields: [] };
  }
  return {
    head: c.path === '' ? '(object)' : c.path,
    fields: c.fields.map((f) => `${f.path}: ${showValue(f.before)} → ${showValue(f.after)}`),
  };
}

/** Unacknowledged names by the config path they belong in. */
function missingByPath(d: StackDiff): Map<string, string[]> {
  const byPath = new Map<string, string[]>();
  for (const a of d.gate.missing) byPath.set(a.configPath, [...(byPath.get(a.configPath) ?? []), a.name]);
  return byPath;
}

/** The gate's verdict and, when it fails, the exact lines to add to the stack file. */
function gateText(d: StackDiff, s: Style): string[] {
  const g = d.gate;
  const lines: string[] = [];
  if (g.required.length === 0) lines.push(`gate: ${s.green('passes')} (nothing destroys data or is irreversible)`);
  else if (g.ok)
    lines.push(
      `gate: ${s.green('passes')}: ${g.required.map((a) => `${a.name} ${a.by === 'retired' ? '(retired by name)' : '(acknowledged)'}`).join(', ')}`,
    );
  else {
    lines.push(`gate: ${s.bold(s.red('FAILS'))}: ${g.missing.length} change${g.missing.length === 1 ? '' : 's'} not acknowledged`);
    for (const [path, names] of missingByPath(d)) {
      lines.push(`  to accept, add to ${path} in the stack file:`);
      lines.push('      acknowledge:');
      for (const n of names) lines.push(`        - ${n}`);
    }
  }
  for (const u of g.unused)
    lines.push(
      s.yellow(`note: ${u.configPath} lists ${u.name}, which no change here needs: remove it once the change it accepted is applied`),
    );
  return lines;
}

function stackText(d: StackDiff, s: Style): string {
  const lines: string[] = [s.bold(`${d.stack}`) + s.dim(` (compared with ${d.base})`)];
  if (d.objects.length === 0) {
    lines.push('  no changes');
    for (const u of d.gate.unused)
      lines.push(
        s.yellow(`  note: ${u.configPath} lists ${u.name}, which no change here needs: remove it once the change it accepted is applied`),
      );
    return lines.join('\n');
  }
  for (const db of d.databases) lines.push(...databaseLines(db).map((l) => `  ${l}`));
  for (const o of d.objects) {
    const sign = o.op === 'added' ? s.green('+') : o.op === 'removed' ? s.red('-') : s.yellow('~');
    const loc = s.dim(` (${o.file})`);
    if (o.op !== 'changed') {
      const c = o.changes[0];
      lines.push(`  ${sign} ${s.bold(objectTitle(o))}${loc}`);
      lines.push(`      ${c.reasons.map((r) => s.cls(r.class)).join(', ')}: ${c.reasons.map((r) => r.why).join('; ')}`);
      for (const a of c.acknowledgements) lines.push(`      ${a.acknowledged ? s.green('✓') : s.red('✗')} ${a.name}: ${ackState(a)}`);
      continue;
    }
    lines.push(`  ${sign} ${s.bold(objectTitle(o))}${loc}`);
    for (const c of o.changes) {
      const { head, fields } = fieldText(c);
      lines.push(`      ${c.reasons.map((r) => s.cls(r.class)).join(', ')}  ${head}`);
      for (const f of fields) lines.push(`          ${f}`);
      for (const r of c.reasons) lines.push(s.dim(`          ${r.why}`));
      for (const a of c.acknowledgements) lines.push(`          ${a.acknowledged ? s.green('✓') : s.red('✗')} ${a.name}: ${ackState(a)}`);
    }
  }
  lines.push(`  ${opCounts(d.objects)}; ${classCounts(d.objects)}`);
  lines.push(...gateText(d, s).map((l) => `  ${l}`));
  return lines.join('\n');
}

const md = (v: string) => v.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (v: string) => `\`${v.replace(/`/g, "'")}\``;

function stackMarkdown(d: StackDiff): string {
  const verdict = d.objects.length === 0 ? 'no changes' : d.gate.ok ? 'gate passes' : '**gate fails**';
  const lines = [`### ${d.stack}: ${verdict}`, '', `Compared with \`${d.base}\`.`, ''];
  if (d.objects.length) {
    for (const db of d.databases) lines.push(...databaseLines(db).map((l, i) => (i === 0 ? `- ${md(l)}` : `  - ${md(l.trim())}`)));
    lines.push('', '| | object | change | class | why |', '|---|---|---|---|---|');
    for (const o of d.objects) {
      for (const c of o.changes) {
        const change =
          o.op !== 'changed'
            ? `${o.op} (${code(o.file)})`
            : c.fields.map((f) => `${code(f.path)}: ${code(showValue(f.before))} → ${code(showValue(f.after))}`).join('<br>');
        const cls = c.reasons
          .map((r, i) => (i === 0 && (r.class === 'destroys-data' || r.class === 'irreversible') ? `**${r.class}**` : r.class))
          .join(', ');
        const acks = c.acknowledgements.map((a) => `<br>${a.acknowledged ? '✅' : '❌'} ${code(a.name)} ${md(ackState(a))}`).join('');
        lines.push(
          `| ${SIGN[o.op]} | ${code(objectTitle(o))} | ${md(change)} | ${cls} | ${md(c.reasons.map((r) => r.why).join('; '))}${acks} |`,
        );
      }
    }
    lines.push('', `${opCounts(d.objects)}; ${classCounts(d.objects)}.`);
  }
  if (d.objects.length) {
    lines.push('');
    if (d.gate.ok) lines.push(gateText(d, makeStyle(false))[0]);
    else {
      lines.push(`gate: **fails**: ${d.gate.missing.length} change${d.gate.missing.length === 1 ? '' : 's'} not acknowledged. To accept:`);
      for (const [path, names] of missingByPath(d))
        lines.push('', `add to ${code(path)}:`, '', '```yaml', 'acknowledge:', ...names.map((n) => `  - ${n}`), '```');
    }
  }
  for (const u of d.gate.unused)
    lines.push(
      '',
      `> note: ${code(u.configPath)} lists ${code(u.name)}, which no change here needs: remove it once the change it accepted is applied.`,
    );
  return lines.join('\n');
}

/** The diff of several stacks in one format. */
export function formatDiff(diffs: readonly StackDiff[], format: ReviewFormat, options: { color?: boolean } = {}): string {
  if (format === 'json') {
    return `${JSON.stringify({ ok: diffs.every((d) => d.gate.ok), changed: diffs.some((d) => d.objects.length > 0), stacks: diffs }, null, 2)}\n`;
  }
  if (format === 'markdown') {
    // A pull request comment: the stacks that change in full, the others in one line.
    const changed = diffs.filter((d) => d.objects.length > 0 || d.gate.unused.length > 0);
    const same = diffs.filter((d) => !changed.includes(d)).map((d) => `\`${d.stack}\``);
    const rest = same.length ? `${changed.length ? '\n\n' : ''}No changes in ${same.join(', ')}.` : '';
    return `## pgfleet diff\n\n${changed.map(stackMarkdown).join('\n\n')}${rest}\n`;
  }
  const s = makeStyle(options.color ?? false);
  const body = diffs.map((d) => stackText(d, s)).join('\n\n');
  const unchanged = diffs.every((d) => d.objects.length === 0);
  return `${body}\n${unchanged ? `\nno changes: the stacks synthesize what ${diffs.length === 1 ? diffs[0].base : 'the base'} holds\n` : ''}`;
}
