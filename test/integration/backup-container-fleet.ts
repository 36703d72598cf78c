/**
 * hcap as the conformance tests run it: one throwaway PostgreSQL 15 server per generation, each
 * on 5432 of a loopback address of its own (the host its leader Service name resolves to), with
 * what Patroni and the image's post_init create (superuser, replication user, application user
 * and database), the credentials Secret, and the stack rendered with a given backup-container
 * release.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { render } from '../helpers';
import type { RenderedStack } from '../../lib/outputs/render-stack';
import { PostgresServer } from '../real-postgres';
import { hcap } from '../engines/patroni-stack';
import {
  BackupContainerImage,
  type BackupContainerVersion,
  type PodRunOptions,
  runPod,
  type PodRun,
  volumeDir,
} from './backup-container-pod';
import { tempDir } from '../helpers';

export const SECRET = {
  'superuser-username': 'postgres',
  'superuser-password': 'super-secret',
  'replication-username': 'replication',
  'replication-password': 'repl-secret',
  'db-name': 'hcap',
  'db-username': 'hcap',
  'db-password': 'hcap-secret',
};

/** The backup-container image reference of a release. */
export const imageOf = (v: BackupContainerVersion) => `docker.io/bcgovimages/backup-container:${v}`;

export class Fleet {
  /** Starts a server per generation (Patroni's and post_init's roles, database `hcap`). */
  public static async start(version: BackupContainerVersion, generations: readonly string[]): Promise<Fleet> {
    const root = tempDir(`pgfleet-bc-${version}-`);
    fs.chmodSync(root, 0o755);
    const image = BackupContainerImage.prepare(version, root);
    const net = `127.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250)}`;
    const servers = new Map<string, PostgresServer>();
    const hosts: Record<string, string> = {};
    let i = 10;
    for (const gen of generations) {
      const address = `${net}.${i++}`;
      const server = await PostgresServer.start({
        password: SECRET['superuser-password'],
        port: 5432,
        settings: { listen_addresses: address },
      });
      server.sql(`CREATE ROLE replication REPLICATION LOGIN PASSWORD '${SECRET['replication-password']}'`);
      server.sql(`CREATE ROLE hcap LOGIN PASSWORD '${SECRET['db-password']}'`);
      server.sql('CREATE DATABASE hcap OWNER hcap');
      servers.set(gen, server);
      hosts[gen] = address;
    }
    return new Fleet(version, root, image, servers, hosts);
  }

  /** Each generation's backup volume, by claim name. */
  public readonly claims: Record<string, string> = {};

  private constructor(
    public readonly version: BackupContainerVersion,
    public readonly root: string,
    public readonly image: BackupContainerImage,
    public readonly servers: ReadonlyMap<string, PostgresServer>,
    public readonly hosts: Record<string, string>,
  ) {
    for (const gen of servers.keys()) {
      this.claims[`${gen}-backup`] = volumeDir(`pgfleet-bc-vol-${gen}-`);
      this.claims[`${gen}-backup-verify`] = volumeDir(`pgfleet-bc-verify-${gen}-`);
    }
  }

  public server(gen: string): PostgresServer {
    return this.servers.get(gen)!;
  }

  /** hcap-prod with this release's image (overrides as `hcap()` takes them). */
  public render(db: Record<string, unknown> = {}, backup: Record<string, unknown> = {}): RenderedStack {
    return render(hcap(db, { image: imageOf(this.version), ...backup }), { stack: 'hcap-prod' });
  }

  /** Runs a rendered object's pod with the fleet's volumes, Secret, ConfigMaps and hosts. */
  public run(r: RenderedStack, kind: string, name: string, options: Partial<PodRunOptions> = {}): PodRun {
    const manifest = r.objects.find((o) => o.manifest.kind === kind && o.manifest.metadata.name === name)?.manifest;
    if (!manifest) throw new Error(`no ${kind} ${name}`);
    const configMaps = Object.fromEntries(
      r.objects
        .filter((o) => o.manifest.kind === 'ConfigMap')
        .map((o) => [o.manifest.metadata.name, o.manifest.data as Record<string, string>]),
    );
    return runPod(this.image, manifest, {
      claims: this.claims,
      configMaps,
      hosts: this.hosts,
      ...options,
      secrets: { 'hcap-patroni': SECRET, ...options.secrets },
    });
  }

  /** A backup volume directory of a generation. */
  public volume(gen: string): string {
    return this.claims[`${gen}-backup`];
  }

  public stop(): void {
    for (const s of this.servers.values()) s.stop();
    fs.rmSync(this.root, { recursive: true, force: true });
    for (const d of Object.values(this.claims)) fs.rmSync(d, { recursive: true, force: true });
  }
}

/** The text of a gzip'd dump (all members). */
export const dumpText = (file: string) => zlib.gunzipSync(fs.readFileSync(file)).toString();

/** A line index in a dump's text, -1 when absent. */
export const lineAt = (text: string, line: string) => text.split('\n').indexOf(line);

/** Writes `text` as a gzip'd dump (one member), keeping the file's time. */
export function writeDump(file: string, text: string): void {
  const { mtime } = fs.statSync(file);
  fs.writeFileSync(file, zlib.gzipSync(text));
  fs.utimesSync(file, mtime, mtime);
}
