/** Shared test helpers: render stacks from inline config, find objects, require real tools in CI. */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ConfigError, type ConfigIssue } from '../lib/config/config-error';
import { loadStackFile, type ParsedStack, parseStackConfig } from '../lib/config/load-stack';
import type { StackState } from '../lib/config/stack-state';
import { ENGINES } from '../lib/engines';
import type { Engine } from '../lib/engines/engine';
import { resolveParsed } from '../lib/model/resolve';
import type { ResolvedStack } from '../lib/model/resolved-stack';
import { renderStack, type RenderedStack } from '../lib/outputs/render-stack';
import type { PlanStep } from '../lib/review/classify';
import { ManifestValidator } from '../lib/outputs/validate/manifest-validator';

export const ROOT = path.join(__dirname, '..');

let shared: ManifestValidator | undefined;
/** One validator for the whole test file (compiled schemas are cached inside). */
export function validator(): ManifestValidator {
  shared ??= new ManifestValidator();
  return shared;
}

/** Parses a stack from the `config:` mapping written as YAML text or as an object, with the registered engines. */
export function parseFrom(
  config: string | Record<string, unknown>,
  opts: { stack?: string; previous?: StackState } = {},
): ParsedStack<Engine> {
  const raw = typeof config === 'string' ? (parse(config) as { config?: Record<string, unknown> }) : { config };
  const cfg = raw.config ?? (raw as Record<string, unknown>);
  return parseStackConfig(cfg, { stack: opts.stack ?? 'test-dev', source: 'test stack', previous: opts.previous, engines: ENGINES });
}

/** Parses and resolves a stack; throws the ConfigError with every problem. */
export function stackFrom(
  config: string | Record<string, unknown>,
  opts: { stack?: string; previous?: StackState } = {},
): ResolvedStack<Engine> {
  return resolveParsed(parseFrom(config, opts));
}

/** Loads, parses and resolves a stack file. */
export function loadStack(file: string, opts: { previous?: StackState } = {}): ResolvedStack<Engine> {
  return resolveParsed(loadStackFile(file, { previous: opts.previous, engines: ENGINES }));
}

/** Renders a stack and fails the test if any object is invalid against its schema. */
export function render(config: string | Record<string, unknown>, opts: { stack?: string; previous?: StackState } = {}): RenderedStack {
  const r = renderStack(stackFrom(config, opts));
  const problems = validator().validate(r.objects.map((o) => o.manifest));
  if (problems.length) throw new Error(`invalid manifests:\n${problems.map((p) => `${p.object}: ${p.path}: ${p.message}`).join('\n')}`);
  return r;
}

/** Renders `next` with the state `first` recorded, as two consecutive synths would. */
export function renderAfter(
  first: string | Record<string, unknown>,
  next: string | Record<string, unknown>,
  opts: { stack?: string } = {},
): RenderedStack {
  return render(next, { ...opts, previous: render(first, opts).state });
}

/** The manifest of `kind`/`name`; throws with the list of what exists when absent. */
export function find(r: RenderedStack, kind: string, name: string): Record<string, any> {
  const o = r.objects.find((x) => x.manifest.kind === kind && x.manifest.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}; have: ${r.objects.map((x) => `${x.manifest.kind}/${x.manifest.metadata.name}`).join(', ')}`);
  return o.manifest;
}

/** Every manifest of a kind. */
export function all(r: RenderedStack, kind: string): Record<string, any>[] {
  return r.objects.filter((x) => x.manifest.kind === kind).map((x) => x.manifest);
}

/** Rendered objects keyed by file, as text, to compare outputs byte for byte. */
export function filesOf(r: RenderedStack): Record<string, string> {
  return Object.fromEntries(r.files);
}

/** The objects a rendered object must come after. */
export function dependsOn(r: RenderedStack, file: string): string[] {
  const o = r.objects.find((x) => x.file === file);
  if (!o) throw new Error(`no ${file}`);
  return [...new Set(o.dependsOn)].sort();
}

/** `a` runs after `b`, directly or through other dependencies. */
export function runsAfter(r: RenderedStack, a: string, b: string, seen = new Set<string>()): boolean {
  if (seen.has(a)) return false;
  seen.add(a);
  return dependsOn(r, a).some((d) => d === b || runsAfter(r, d, b, seen));
}

/** Files whose content differs between two renders (added and removed included). */
export function changedFiles(a: RenderedStack, b: RenderedStack): string[] {
  const fa = filesOf(a);
  const fb = filesOf(b);
  return [...new Set([...Object.keys(fa), ...Object.keys(fb)])].filter((f) => fa[f] !== fb[f]).sort();
}

/** A change's runbook steps as `section: text` lines, e.g. `check: no InvalidDataSource event: …`. */
export function stepLines(change: { readonly steps: readonly PlanStep[] }): string {
  return change.steps.map((s) => `${s.section}: ${s.text}`).join('\n');
}

/** How to get each real tool the tests run (Debian 12 package names). */
const INSTALL: Record<string, string> = {
  pgbackrest: 'apt-get install -y pgbackrest',
  patroni: 'apt-get install -y patroni',
  kubectl: 'apt-get install -y kubectl',
  shellcheck: 'apt-get install -y shellcheck',
  'barman-cloud-backup': 'apt-get install -y barman-cli-cloud',
  python3: 'apt-get install -y python3',
  runuser: 'apt-get install -y util-linux',
};
const PG_INSTALL = 'apt-get install -y postgresql';

function onPath(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v "$1"`, 'sh', tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * What is missing of `tools` (commands or absolute paths), with how to install it, or undefined
 * when all are there. In CI (`CI=true`) a missing tool fails instead, so a real-tool test can
 * never pass by not running.
 */
export function missingTools(...tools: string[]): string | undefined {
  const missing = tools.filter((t) => !onPath(t));
  if (!missing.length) return undefined;
  const how = [...new Set(missing.map((t) => INSTALL[t] ?? (t.includes('/postgresql/') ? PG_INSTALL : `install ${t}`)))];
  const reason = `${missing.join(', ')} not found (${how.join('; ')})`;
  if (process.env.CI === 'true') throw new Error(`${reason}: required in CI (.ci/run installs it)`);
  return reason;
}

/** True when every tool is there; see {@link missingTools}. */
export function hasTool(...tools: string[]): boolean {
  return missingTools(...tools) === undefined;
}

/**
 * `describe`, or `describe.skip` with the reason in its title when a tool is missing: the
 * summary line of `npm test` lists every skipped suite with what to install.
 */
export function describeWithTools(tools: readonly string[], title: string, fn: () => void): void {
  const reason = missingTools(...tools);
  if (reason) describe.skip(`${title} [skipped: ${reason}]`, fn);
  else describe(title, fn);
}

/** `test` with the same skipping as {@link describeWithTools}. */
export function testWithTools(tools: readonly string[], title: string, fn: () => unknown, timeout?: number): void {
  const reason = missingTools(...tools);
  if (reason) test.skip(`${title} [skipped: ${reason}]`, () => undefined);
  else test(title, fn as () => void, timeout);
}

/** A fresh temporary directory, removed by the caller or the OS. */
export function tempDir(prefix = 'pgfleet-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The issues of the ConfigError `fn` throws; fails the test when it throws nothing or something else. */
export function issuesOf(fn: () => unknown): ConfigIssue[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return [...e.issues];
    throw e;
  }
  throw new Error('expected a ConfigError');
}

/** A loopback port no one listens on right now (for throwaway servers in real-tool tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Renders `config` twice: the output must be byte-identical, and every object explicitly named. */
export function expectDeterministicAndNamed(config: () => string | Record<string, unknown>): void {
  const a = render(config());
  if (JSON.stringify(filesOf(render(config()))) !== JSON.stringify(filesOf(a))) throw new Error('two renders of the same stack differ');
  for (const o of a.objects) {
    if (!/^[a-z][-a-z0-9]*$/.test(o.manifest.metadata.name))
      throw new Error(`${o.file}: name ${o.manifest.metadata.name} is not an explicit DNS name`);
  }
}

/** Runs the pgfleet command line (bin/pgfleet.js, rebuilt when a source changed) in `cwd`. */
export function runPgfleet(
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/pgfleet.js'), ...args], { cwd, encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** git in `cwd` as a test user that signs nothing. */
export const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=pgfleet test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
  });
