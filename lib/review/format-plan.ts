/** `pgfleet plan` output: a numbered runbook as text, markdown or JSON. */
import { databaseLines, type ReviewFormat } from './format-diff';
import type { ApplyStep, Plan } from './plan';
import { style as makeStyle, type Style } from './style';

const ACTION: Record<ApplyStep['action'], string> = {
  create: 'create',
  update: 'update',
  delete: 'delete',
  release: 'release (Pulumi stops managing it and keeps it: retainOnDelete)',
  protect: 'protect',
};

interface Section {
  readonly title: string;
  readonly steps: readonly string[];
}

function sections(p: Plan, s: Style): Section[] {
  const apply = p.apply.map(
    (a) =>
      `${ACTION[a.action]} ${a.object} [${a.classes.map((c) => s.cls(c)).join(', ')}]: ${a.why}${a.after.length ? ` (after ${a.after.join(', ')})` : ''}`,
  );
  return [
    { title: 'Before `pulumi up`', steps: p.before },
    {
      title: `\`pulumi up -s ${p.stack}\` (independent objects are applied in parallel; "after" is the order dependsOn enforces)`,
      steps: apply,
    },
    { title: 'Wait for', steps: p.wait },
    { title: 'Check', steps: p.check },
    { title: 'Manual', steps: p.manual },
    { title: 'Follow-up config changes', steps: p.followUp },
  ].filter((x) => x.steps.length);
}

function gateLine(p: Plan): string {
  if (p.gate.required.length === 0) return 'gate: passes (nothing destroys data or is irreversible)';
  if (p.gate.ok)
    return `gate: passes: ${p.gate.required.map((a) => `${a.name} ${a.by === 'retired' ? '(retired by name)' : '(acknowledged)'}`).join(', ')}`;
  return `gate: FAILS: not acknowledged: ${p.gate.missing.map((a) => `${a.name} (add to ${a.configPath})`).join(', ')}`;
}

/** One stack's plan. */
export function formatPlan(p: Plan, format: ReviewFormat, options: { color?: boolean } = {}): string {
  if (format === 'json') return `${JSON.stringify(p, null, 2)}\n`;
  const empty = p.apply.length === 0;
  if (format === 'markdown') {
    const lines = [`## pgfleet plan: ${p.stack}`, '', `Compared with \`${p.base}\`.`, ''];
    if (empty) return `${[...lines, 'No changes: nothing to do.'].join('\n')}\n`;
    lines.push(
      ...p.databases.flatMap((d) => databaseLines(d).map((l, i) => (i === 0 ? `- ${l}` : `  - ${l.trim()}`))),
      `- ${gateLine(p)}`,
      '',
    );
    let n = 0;
    for (const sec of sections(p, makeStyle(false))) {
      lines.push(`### ${sec.title}`, '');
      for (const step of sec.steps) lines.push(`${++n}. ${step}`);
      lines.push('');
    }
    return `${lines.join('\n').trimEnd()}\n`;
  }
  const s = makeStyle(options.color ?? false);
  const lines = [s.bold(`pgfleet plan: ${p.stack}`) + s.dim(` (compared with ${p.base})`)];
  if (empty) return `${[...lines, '  no changes: nothing to do'].join('\n')}\n`;
  lines.push(...p.databases.flatMap((d) => databaseLines(d).map((l) => `  ${l}`)));
  const gate = gateLine(p);
  lines.push(`  ${p.gate.ok ? gate.replace('passes', s.green('passes')) : gate.replace('FAILS', s.bold(s.red('FAILS')))}`, '');
  let n = 0;
  for (const sec of sections(p, s)) {
    lines.push(s.bold(sec.title));
    for (const step of sec.steps) lines.push(`${String(++n).padStart(4)}. ${step}`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
