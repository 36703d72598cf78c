import type { RecoveryTargetState } from '../config/stack-state';
import type { TargetTime } from '../config/target-time';

/**
 * Where a restore stops. One variant per kind of target; each engine renders the ones its tool
 * supports (the stack schema already refused the others).
 */
export class RecoveryTarget {
  /** Replay all archived WAL: the newest consistent state. */
  public static latest(): RecoveryTarget {
    return new RecoveryTarget('latest');
  }

  /** Stop at an instant (the text carried an explicit offset). */
  public static time(time: TargetTime): RecoveryTarget {
    return new RecoveryTarget('time', time);
  }

  /** Stop at a WAL location (`0/3000060`). */
  public static lsn(lsn: string): RecoveryTarget {
    return new RecoveryTarget('lsn', undefined, lsn);
  }

  /** Stop at a named restore point (`pg_create_restore_point`). */
  public static named(name: string): RecoveryTarget {
    return new RecoveryTarget('name', undefined, name);
  }

  /** Load one dump file (engines with logical backups). */
  public static backupFile(file: string): RecoveryTarget {
    return new RecoveryTarget('backupFile', undefined, file);
  }

  private constructor(
    public readonly kind: 'latest' | 'time' | 'lsn' | 'name' | 'backupFile',
    /** Set for `time`. */
    public readonly time?: TargetTime,
    /** The LSN, restore point name or file, for those kinds. */
    public readonly value?: string,
  ) {}

  /** As recorded in the state file (text for messages: `describeTarget`). */
  public toState(): RecoveryTargetState {
    switch (this.kind) {
      case 'latest':
        return { kind: 'latest' };
      case 'time':
        return { kind: 'time', time: this.time!.rfc3339 };
      case 'lsn':
        return { kind: 'lsn', lsn: this.value! };
      case 'name':
        return { kind: 'name', name: this.value! };
      case 'backupFile':
        return { kind: 'backupFile', file: this.value! };
    }
  }
}
