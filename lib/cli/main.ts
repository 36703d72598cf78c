#!/usr/bin/env node
/** The `pgfleet` command line. Config problems print as a list, never as a stack trace. */
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { ConfigError } from '../config/config-error';
import { stackFileJsonSchema } from '../config/json-schema';
import { pgfleetVersion } from '../config/project-root';
import { ENGINES } from '../engines';
import { ManifestValidator } from '../outputs/validate/manifest-validator';
import { registerReportCommand } from './report-command';
import { registerReviewCommands } from './review-commands';
import { GateError } from '../review/gate-refusal';
import { InvalidManifestsError, synth } from './synth';
import { UsageError } from './usage-error';
import { fileAtRevision, validateDir } from './validate';
import { listOf, repeatable } from './cli-options';

/**
 * The validator for `--crds` (repeatable), else for `PGFLEET_CRDS` (a ':'-separated list), else
 * the pinned CRDs as compiled by the build.
 */
function validator(crds: string[]): ManifestValidator {
  const dirs = crds.length ? crds : (process.env.PGFLEET_CRDS ?? '').split(':').filter((p) => p !== '');
  return new ManifestValidator(dirs.length ? { crdDirs: dirs.map((d) => path.resolve(d)) } : {});
}

export function program(): Command {
  const cli = new Command('pgfleet')
    .description('PostgreSQL databases on Kubernetes as typed stack files: synth, validate, diff, plan and report')
    .version(pgfleetVersion(), '-V, --version', 'print the pgfleet version')
    .showHelpAfterError();

  const synthCmd = cli
    .command('synth')
    .description('render stack files into dist/<stack>/ (validated and gated; nothing is written if any stack has a problem)');
  repeatable(synthCmd, '-s, --stack <name>', 'stack to render (repeatable); default: every stacks/Pulumi.<stack>.yaml');
  repeatable(synthCmd, '-f, --file <path>', 'stack file outside stacks/ (repeatable)');
  // cdk8s synth runs pgfleet with its output folder in CDK8S_OUTDIR (build/cdk8s, see cdk8s.yaml).
  synthCmd
    .addOption(
      new Option('-o, --out <dir>', 'output directory').default(
        process.env.CDK8S_OUTDIR ?? 'dist',
        process.env.CDK8S_OUTDIR ? '$CDK8S_OUTDIR' : 'dist, or $CDK8S_OUTDIR under cdk8s synth',
      ),
    )
    .option('--stacks-dir <dir>', 'directory of stack files', 'stacks');
  repeatable(synthCmd, '--crds <dir>', 'directory of CRDs to validate against (repeatable); default: the pinned CRDs');
  synthCmd.action((o: { stack?: string[]; file?: string[]; out: string; stacksDir: string; crds?: string[] }) => {
    const rendered = synth({
      stacks: listOf(o.stack),
      files: listOf(o.file),
      stacksDir: o.stacksDir,
      outDir: o.out,
      validator: validator(listOf(o.crds)),
      engines: ENGINES,
      projectDir: process.cwd(),
    });
    for (const r of rendered)
      console.log(`${r.resolved.spec.stack}: ${r.objects.length} objects -> ${path.join(o.out, r.resolved.spec.stack)}`);
  });

  const validateCmd = cli
    .command('validate [dir]')
    .description('validate every manifest below DIR (default: dist) against the CRDs (schemas and CEL rules) and the Kubernetes schemas');
  repeatable(validateCmd, '--crds <dir>', 'directory of CRDs, e.g. exported from your cluster (repeatable); default: the pinned CRDs');
  validateCmd.option('--base <ref>', 'git revision whose files the CEL transition rules (oldSelf) compare with', 'HEAD');
  validateCmd.action((dir: string | undefined, o: { crds?: string[]; base: string }) => {
    const target = dir ?? 'dist';
    const result = validateDir(target, validator(listOf(o.crds)), { previousFile: fileAtRevision(o.base, target) });
    if (!result.ok) {
      console.error(result.report);
      process.exitCode = 1;
    } else console.log(`${result.count} objects valid`);
  });

  cli
    .command('schema')
    .description('print the JSON Schema of stack files (for editor completion)')
    .action(() => console.log(JSON.stringify(stackFileJsonSchema(ENGINES), null, 2)));

  registerReviewCommands(cli, ENGINES);
  registerReportCommand(cli, ENGINES);
  return cli;
}

export function main(argv: string[]): void {
  try {
    program().parse(argv);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof InvalidManifestsError || e instanceof UsageError || e instanceof GateError) {
      console.error(e.message);
    } else {
      // Anything else is a bug or an environment problem: the message, and the trace on request.
      console.error(`pgfleet: ${(e as Error).message ?? String(e)}`);
      if (process.env.PGFLEET_DEBUG) console.error((e as Error).stack);
      else console.error('(set PGFLEET_DEBUG=1 for a stack trace)');
    }
    process.exitCode = 1;
  }
}

if (require.main === module) main(process.argv);
