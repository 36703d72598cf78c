import type { BootstrapState } from '../config/stack-state';
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

  private constructor(
    public readonly kind: 'initdb' | 'restore' | 'upgrade',
    /** The generation read from (restore and upgrade). */
    public readonly source?: string,
    /** Where the restore stops (restore only). */
    public readonly target?: RecoveryTarget,
  ) {}

  /** As recorded in the state file (text for messages: `describeBootstrap`). */
  public toState(): BootstrapState {
    if (this.kind === 'initdb') return { kind: 'initdb' };
    if (this.kind === 'restore') return { kind: 'restore', source: this.source!, target: this.target!.toState() };
    return { kind: 'upgrade', source: this.source! };
  }
}
