/** Shared test helpers: render stacks from inline config, find objects, require real tools in CI. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ConfigError, type ConfigIssue } from '../lib/config/config-error';
import { parseStackConfig } from '../lib/config/load-stack';
import type { StackSpec } from '../lib/config/stack-spec';
import type { StackState } from '../lib/model/stack-state';
import { renderStack, type RenderedStack } from '../lib/outputs/render-stack';
import { defaultCrdDirs, ManifestValidator } from '../lib/review/validate-manifests';

export const ROOT = path.join(__dirname, '..');

let shared: ManifestValidator | undefined;
/** One validator for the whole test file (compiled schemas are cached inside). */
export function validator(): ManifestValidator {
  shared ??= new ManifestValidator({ crdDirs: defaultCrdDirs(ROOT) });
  return shared;
}

/** Parses a stack from the `config:` mapping written as YAML text or as an object. */
export function stackFrom(config: string | Record<string, unknown>, opts: { stack?: string; previous?: StackState } = {}): StackSpec {
  const raw = typeof config === 'string' ? (parse(config) as { config?: Record<string, unknown> }) : { config };
  const cfg = raw.config ?? (raw as Record<string, unknown>);
  return parseStackConfig(cfg, { stack: opts.stack ?? 'test-dev', source: 'test stack', previous: opts.previous });
}

/** Renders a stack and fails the test if any object is invalid against its schema. */
export function render(config: string | Record<string, unknown>, opts: { stack?: string; previous?: StackState } = {}): RenderedStack {
  const r = renderStack(stackFrom(config, opts));
  const problems = validator().validate(r.objects.map((o) => o.manifest));
  if (problems.length) throw new Error(`invalid manifests:\n${problems.map((p) => `${p.object}: ${p.path}: ${p.message}`).join('\n')}`);
  return r;
}

/** Renders `next` with the state `first` recorded, as two consecutive synths would. */
export function renderAfter(first: string | Record<string, unknown>, next: string | Record<string, unknown>, opts: { stack?: string } = {}): RenderedStack {
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

/**
 * True when `tool` is on PATH. In CI (`CI=true`) a missing tool fails the test instead of
 * skipping it, so a real-tool test can never pass by not running.
 */
export function hasTool(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true') throw new Error(`${tool} is required in CI (.ci/run installs it)`);
    return false;
  }
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
    if (!/^[a-z][-a-z0-9]*$/.test(o.manifest.metadata.name)) throw new Error(`${o.file}: name ${o.manifest.metadata.name} is not an explicit DNS name`);
  }
}
