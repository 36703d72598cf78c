import type { k8s } from 'cdk8s-plus-28';
import type { StandaloneDatabaseSpec } from '../../config/schema/standalone';

/** Where a Job finds the dumps: a volume, the path it is mounted at, and the folder inside. */
export interface DumpLocation {
  readonly volume: k8s.Volume;
  /** Mount path of the volume. */
  readonly mountPath: string;
  /** DUMP_DIR: the folder of the dumps (the mount path or below it). */
  readonly dir: string;
  /** @default false */
  readonly readOnly?: boolean;
}

/** What the dump and import Jobs share. */
export interface DumpJobCommon {
  readonly name: string;
  readonly namespace: string;
  readonly database: string;
  readonly spec: StandaloneDatabaseSpec;
  /** Image with pg_dumpall/psql: the newer server's, never older than either server. */
  readonly image: string;
  readonly location: DumpLocation;
}
