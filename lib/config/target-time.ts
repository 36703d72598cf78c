/**
 * A recovery target time that carries its own UTC offset.
 *
 * Tools disagree on times without a zone: CloudNativePG reads them as UTC, pgBackRest as the
 * server's time zone, Spilo refuses them. pgfleet therefore accepts only times with `Z` or an
 * explicit `±HH:MM` offset and renders each tool's own format from the one instant.
 */
export class TargetTime {
  /**
   * Parses `2026-11-20T08:00:00+01:00`, `2026-11-20 08:00:00-08:00`, `2026-11-20T07:00:00Z`
   * (fractional seconds allowed). Returns undefined when the text has no offset or is not a time.
   */
  public static parse(text: string): TargetTime | undefined {
    const m = TargetTime.PATTERN.exec(text.trim());
    if (!m) return undefined;
    const [, date, time, fraction, zone] = m;
    const offsetMinutes = zone === 'Z' || zone === 'z' ? 0 : TargetTime.offsetOf(zone);
    if (offsetMinutes === undefined || Math.abs(offsetMinutes) > 14 * 60) return undefined;
    const iso = `${date}T${time}${fraction ?? ''}${TargetTime.formatOffset(offsetMinutes)}`;
    const epochMs = Date.parse(iso);
    if (Number.isNaN(epochMs)) return undefined;
    // Date.parse rolls 2026-02-30 over to March: compare the wall clock back.
    const wall = new Date(epochMs + offsetMinutes * 60_000).toISOString();
    if (wall.slice(0, 10) !== date || wall.slice(11, 19) !== time) return undefined;
    return new TargetTime(date, time, fraction ?? '', offsetMinutes, epochMs);
  }

  /** True when the text looks like a time but has no zone (the common mistake worth naming). */
  public static lacksOffset(text: string): boolean {
    return /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text.trim());
  }

  private static readonly PATTERN = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d{1,9})?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)$/;

  private static offsetOf(zone: string): number | undefined {
    const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
    if (!m) return undefined;
    const minutes = Number(m[2]) * 60 + Number(m[3] ?? '0');
    return m[1] === '-' ? -minutes : minutes;
  }

  private static formatOffset(minutes: number): string {
    const sign = minutes < 0 ? '-' : '+';
    const abs = Math.abs(minutes);
    return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  }

  private constructor(
    private readonly date: string,
    private readonly time: string,
    private readonly fraction: string,
    /** Offset from UTC in minutes, as written. */
    public readonly offsetMinutes: number,
    /** The instant, in milliseconds since the epoch. */
    public readonly epochMs: number,
  ) {}

  /**
   * RFC 3339 with a numeric offset, as written (`2026-11-20T08:00:00+01:00`). A `Z` becomes
   * `+00:00`: some CloudNativePG releases render a `Z` target into an invalid recovery setting
   * (cloudnative-pg#10819).
   */
  public get rfc3339(): string {
    return `${this.date}T${this.time}${this.fraction}${TargetTime.formatOffset(this.offsetMinutes)}`;
  }

  /** PostgreSQL timestamptz text (`2026-11-20 08:00:00+01:00`): pgBackRest `--target`, Spilo `CLONE_TARGET_TIME`. */
  public get postgres(): string {
    return `${this.date} ${this.time}${this.fraction}${TargetTime.formatOffset(this.offsetMinutes)}`;
  }

  /** The same instant in UTC (`2026-11-20T07:00:00Z`), for messages and comparisons. */
  public get utc(): string {
    return new Date(this.epochMs).toISOString().replace('.000Z', 'Z');
  }

  public toString(): string {
    return this.rfc3339;
  }
}
