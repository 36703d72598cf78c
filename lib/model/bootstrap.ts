import type { BootstrapState } from '../config/stack-state';
import type { ResolvedMigration } from './migration';
import { RecoveryTarget } from './recovery-target';

/**
 * How a generation's data directory comes to be. Restore and upgrade are variants of this one
 * value, not flags: a generation is created empty, restored from another generation's backups,
 * or (for engines that upgrade blue/green) started from another generation's data on a newer major.
 */
export class Bootstrap {
  /** An empty cluster. */
  public static initdb(): Bootstrap {
    return new Bootstrap('initdb');
  }

  /** Restore another generation's backups up to `target`; the source keeps running. */
  public static restore(source: string, target: RecoveryTarget): Bootstrap {
    return new Bootstrap('restore', source, target);
  }

  /** Start from another generation's data on a newer major version (blue/green upgrade). */
  public static upgrade(source: string): Bootstrap {
    return new Bootstrap('upgrade', source);
  }

  /** Copy a generation of another engine (engine migration); the source keeps running. */
  public static migrate(migration: ResolvedMigration): Bootstrap {
    return new Bootstrap('migrate', migration.source, undefined, migration);
  }

  private constructor(
    public readonly kind: 'initdb' | 'restore' | 'upgrade' | 'migrate',
    /** The generation read from (restore, upgrade and migrate). */
    public readonly source?: string,
    /** Where the restore stops (restore only). */
    public readonly target?: RecoveryTarget,
    /** What a migration copies and from where (migrate only). */
    public readonly migration?: ResolvedMigration,
  ) {}

  /** As recorded in the state file (text for messages: `describeBootstrap`). */
  public toState(): BootstrapState {
    if (this.kind === 'initdb') return { kind: 'initdb' };
    if (this.kind === 'restore') return { kind: 'restore', source: this.source!, target: this.target!.toState() };
    if (this.kind === 'migrate') return { kind: 'migrate', source: this.source!, method: this.migration!.method };
    return { kind: 'upgrade', source: this.source! };
  }
}
