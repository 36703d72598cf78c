/**
 * A minimal Language Server Protocol client for the real `yaml-language-server` (npm), run over
 * stdio as an editor runs it: open a stack file with the schema modeline, then ask for completion,
 * hover and diagnostics, as VS Code's YAML extension would.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './helpers';

type Json = any;

export class YamlLanguageServer {
  /** Starts the server with schema validation, completion and hover on. */
  public static async start(): Promise<YamlLanguageServer> {
    const proc = spawn(process.execPath, [path.join(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server'), '--stdio'], {
      cwd: ROOT,
    });
    const server = new YamlLanguageServer(proc);
    await server.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(ROOT).href,
      capabilities: {
        textDocument: {
          hover: { contentFormat: ['markdown', 'plaintext'] },
          completion: { completionItem: { documentationFormat: ['markdown', 'plaintext'] } },
        },
      },
    });
    server.notify('initialized', {});
    await server.configure({});
    return server;
  }

  /**
   * Changes the `yaml` settings, e.g. `{ schemas: { <schema>: <glob> } }` beside the defaults; the
   * server pulls them (`workspace/configuration`) when told they changed; resolves once it has.
   */
  public configure(yaml: Json): Promise<void> {
    this.yaml = { validate: true, hover: true, completion: true, schemaStore: { enable: false }, ...yaml };
    const pulled = new Promise<void>((resolve) => this.pulled.push(resolve));
    this.notify('workspace/didChangeConfiguration', { settings: { yaml: this.yaml } });
    return pulled;
  }

  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, (result: Json) => void>();
  private readonly diagnostics = new Map<string, Json[]>();
  private readonly waiting: (() => void)[] = [];
  private yaml: Json = {};
  private readonly pulled: (() => void)[] = [];

  private constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    proc.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const header = this.buffer.indexOf('\r\n\r\n');
      if (header < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, header).toString())![1]);
      if (this.buffer.length < header + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(header + 4, header + 4 + length).toString('utf8'));
      this.buffer = this.buffer.subarray(header + 4 + length);
      if (message.id !== undefined && this.pending.has(message.id)) {
        this.pending.get(message.id)!(message.result);
        this.pending.delete(message.id);
      } else if (message.id !== undefined && message.method) {
        // A request from the server (configuration, registration): the `yaml` settings, else nothing.
        const result =
          message.method === 'workspace/configuration'
            ? message.params.items.map((i: { section?: string }) => (i.section === 'yaml' ? this.yaml : null))
            : null;
        this.send({ jsonrpc: '2.0', id: message.id, result });
        if (message.method === 'workspace/configuration') for (const p of this.pulled.splice(0)) p();
      } else if (message.method === 'textDocument/publishDiagnostics') {
        this.diagnostics.set(message.params.uri, message.params.diagnostics);
        for (const w of this.waiting.splice(0)) w();
      }
    }
  }

  private send(message: Json): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  public request(method: string, params: Json): Promise<Json> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  public notify(method: string, params: Json): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** Opens a document; returns its URI. */
  public open(file: string, text: string): string {
    const uri = pathToFileURL(file).href;
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    return uri;
  }

  public completion(uri: string, line: number, character: number): Promise<Json> {
    return this.request('textDocument/completion', { textDocument: { uri }, position: { line, character } });
  }

  public hover(uri: string, line: number, character: number): Promise<Json> {
    return this.request('textDocument/hover', { textDocument: { uri }, position: { line, character } });
  }

  /** The diagnostics the server published for `uri` (waits for the first publication). */
  public async diagnosticsOf(uri: string, timeoutMs = 10_000): Promise<Json[]> {
    const deadline = Date.now() + timeoutMs;
    while (!this.diagnostics.has(uri) && Date.now() < deadline) await new Promise<void>((r) => this.waiting.push(r) && setTimeout(r, 200));
    return this.diagnostics.get(uri) ?? [];
  }

  public async stop(): Promise<void> {
    await this.request('shutdown', null);
    this.notify('exit', null);
    this.proc.kill();
  }
}
