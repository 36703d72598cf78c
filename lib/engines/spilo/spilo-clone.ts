import type { TargetTime } from '../../config/target-time';
import { GCS_CREDENTIALS_FILE } from './spilo-chart';

/** The scope a new generation clones from, and the WAL-G prefix that scope archives to. */
export interface CloneSource {
  readonly scope: string;
  readonly walPrefix: string;
}

/**
 * Spilo's `CLONE_WITH_WALE` environment: bootstrap a new scope from another scope's WAL-G
 * archive (configure_spilo.py reads every storage variable with the `CLONE_` prefix into
 * `/run/etc/wal-e.d/env-clone-<scope>`). The source keeps running and is only read.
 *
 * - `CLONE_TARGET_TIME` is PostgreSQL timestamptz text with its offset (`2022-06-05
 *   08:00:00-08:00`): clone_with_wale.py parses it with dateutil and refuses a time without a
 *   zone, and it becomes `recovery_target_time`. No target = replay to the end of the archive.
 * - The clone reads the source bucket with the same mounted service-account key as the archive.
 * - `CLONE_WALE_GS_PREFIX` repeats the prefix: without it configure_spilo.py writes a made-up
 *   `WALE_GS_PREFIX=gs:///spilo/<scope>/wal/` (no bucket) into the clone envdir. WAL-G and
 *   clone_with_wale.py read `WALG_GS_PREFIX` first, but nothing in the pod should name a bucket
 *   that does not exist.
 * - `CLONE_USE_WALG_BACKUP/RESTORE` are explicit: without them Spilo inherits `USE_WALG` and would
 *   fall back to WAL-E (`--aws-instance-profile`), which cannot read GCS, if that ever changed.
 *
 * @see https://github.com/zalando/spilo/blob/master/postgres-appliance/scripts/configure_spilo.py
 */
export function spiloCloneEnv(source: CloneSource, target?: TargetTime): Record<string, string> {
  return {
    CLONE_METHOD: 'CLONE_WITH_WALE',
    CLONE_SCOPE: source.scope,
    CLONE_WALG_GS_PREFIX: source.walPrefix,
    CLONE_WALE_GS_PREFIX: source.walPrefix,
    CLONE_GOOGLE_APPLICATION_CREDENTIALS: GCS_CREDENTIALS_FILE,
    CLONE_USE_WALG_BACKUP: 'true',
    CLONE_USE_WALG_RESTORE: 'true',
    ...(target ? { CLONE_TARGET_TIME: target.postgres } : {}),
  };
}
