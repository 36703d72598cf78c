/**
 * `pgfleet report`: the recovery guarantees of every live generation of every stack (RPO,
 * point-in-time window, where each number comes from, what a restore would use) and its restore
 * drill, as a table, markdown or JSON. Read from the stack files alone: what the cluster did (the
 * last successful drill) is not knowable here, so each drill row says what to alert on instead.
 */
import type { Command } from 'commander';
import { eachReportingAll } from '../config/config-error';
import { loadStackFile, selectStackFiles } from '../config/load-stack';
import type { Engine } from '../engines/engine';
import { recoveryReport, type RecoveryRow } from '../model/recovery-report';
import { resolveParsed } from '../model/resolve';
import { formatOf, formatOptions, listOf, repeatable } from './cli-options';

type ReportFormat = 'text' | 'markdown' | 'json';

/** Every row of the selected stacks; config problems of all of them are thrown together. */
function reportRows(o: { stacks?: readonly string[]; files?: readonly string[]; stacksDir: string; engines: readonly Engine[] }) {
  return eachReportingAll(selectStackFiles(o), (file) => recoveryReport(resolveParsed(loadStackFile(file, { engines: o.engines })))).flat();
}

const pad = (cells: readonly string[][]): string[] => {
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
};

const drillCell = (r: RecoveryRow) => (r.drill ? `${r.drill.cronJob} "${r.drill.schedule}"` : 'none');
const objectiveCell = (r: RecoveryRow) =>
  r.objectives
    ? [r.objectives.rpo && `rpo ≤ ${r.objectives.rpo}`, r.objectives.window && `window ≥ ${r.objectives.window}`].filter(Boolean).join(', ')
    : '-';

function text(rows: readonly RecoveryRow[]): string {
  const out: string[] = [];
  for (const stack of [...new Set(rows.map((r) => r.stack))]) {
    const mine = rows.filter((r) => r.stack === stack);
    out.push(stack);
    const table = [
      ['  database', 'engine', 'generation', 'serving', 'method', 'RPO', 'window', 'objectives', 'drill'],
      ...mine.map((r) => [
        `  ${r.database}`,
        r.engine,
        r.generation,
        r.serving ? 'yes' : 'no',
        r.method === 'wal' ? 'WAL' : 'dumps',
        r.rpo.text,
        r.window.text,
        objectiveCell(r),
        drillCell(r),
      ]),
    ];
    out.push(...pad(table));
    for (const r of mine) {
      out.push(`  ${r.database}/${r.generation}`);
      out.push(`    RPO ${r.rpo.text}: ${r.rpo.source}`);
      out.push(`    window ${r.window.text}: ${r.window.source}`);
      out.push(`    a restore uses ${r.restoreUses}`);
      if (r.drill) {
        out.push(
          `    drill: CronJob ${r.drill.cronJob} "${r.drill.schedule}", check ${r.drill.check}; outcome in ConfigMap ${r.drill.configMap}`,
        );
        out.push(`    last successful drill: not knowable from the stack; alert on ${r.drill.alert}`);
      } else out.push('    drill: none (add drill: {schedule, check} to prove the backups restore)');
    }
    out.push('');
  }
  return out.join('\n');
}

function markdown(rows: readonly RecoveryRow[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [
    '| stack | database | generation | engine | RPO | window | objectives | drill | a restore uses |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.stack} | ${r.database} | ${r.generation}${r.serving ? ' (serving)' : ''} | ${r.engine} | ${r.rpo.text} (${cell(r.rpo.source)}) | ` +
        `${r.window.text} (${cell(r.window.source)}) | ${objectiveCell(r)} | ${cell(drillCell(r))} | ${cell(r.restoreUses)} |`,
    ),
    '',
  ].join('\n');
}

/** The report in one format. */
function formatReport(rows: readonly RecoveryRow[], format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify({ generations: rows }, null, 2)}\n`;
  return format === 'markdown' ? markdown(rows) : text(rows);
}

export function registerReportCommand(cli: Command, engines: readonly Engine[]): void {
  const cmd = cli
    .command('report')
    .description("each live generation's recovery guarantees (RPO, point-in-time window, their sources) and restore drill");
  repeatable(cmd, '-s, --stack <name>', 'stack to report (repeatable); default: every stacks/Pulumi.<stack>.yaml');
  repeatable(cmd, '-f, --file <path>', 'stack file outside stacks/ (repeatable)');
  cmd.option('--stacks-dir <dir>', 'directory of stack files', 'stacks');
  formatOptions(cmd).action((o: { stack?: string[]; file?: string[]; stacksDir: string; format: ReportFormat; json?: boolean }) => {
    const rows = reportRows({ stacks: listOf(o.stack), files: listOf(o.file), stacksDir: o.stacksDir, engines });
    process.stdout.write(formatReport(rows, formatOf(o)));
  });
}
