// Calendar periods in the configured time zone, by each event's own ts. Intl is slow
// (microseconds per call), so the zone's UTC offset is cached per UTC hour and the
// period keys per local hour: two Map lookups per event on the hot path.
// Zones whose offset changes off a UTC hour boundary (e.g. Lord Howe's 30-minute DST at
// 15:30 UTC) may be misattributed for up to an hour around the change.

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface Period {
  /** YYYY-MM-DD */
  day: string;
  /** YYYY-MM */
  month: string;
  /** YYYY-Qn */
  quarter: string;
  /** 0…23 */
  hour: number;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

function periodOfLocal(localMs: number): Period {
  const d = new Date(localMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  return {
    day: `${y}-${pad2(m)}-${pad2(d.getUTCDate())}`,
    month: `${y}-${pad2(m)}`,
    quarter: `${y}-Q${Math.ceil(m / 3)}`,
    hour: d.getUTCHours(),
  };
}

export class ZonedClock {
  private readonly fmt: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();
  private readonly periods = new Map<number, Period>();

  constructor(readonly timeZone: string) {
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
  }

  /** Offset of the zone from UTC in ms at instant `ts` (e.g. +8 h for Asia/Shanghai). */
  offsetMs(ts: number): number {
    const utcHour = Math.floor(ts / HOUR_MS);
    let off = this.offsets.get(utcHour);
    if (off === undefined) {
      const at = utcHour * HOUR_MS;
      const p: Record<string, number> = {};
      for (const part of this.fmt.formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
      off = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!) - at;
      if (this.offsets.size > 100_000) this.offsets.clear();
      this.offsets.set(utcHour, off);
    }
    return off;
  }

  /** Day, month, quarter and hour of `ts` in the zone. The returned object is shared: do not mutate. */
  period(ts: number): Period {
    const local = ts + this.offsetMs(ts);
    const localHour = Math.floor(local / HOUR_MS);
    let p = this.periods.get(localHour);
    if (p === undefined) {
      p = periodOfLocal(localHour * HOUR_MS);
      if (this.periods.size > 100_000) this.periods.clear();
      this.periods.set(localHour, p);
    }
    return p;
  }

  day(ts: number): string {
    return this.period(ts).day;
  }
}

/** Calendar arithmetic on a YYYY-MM-DD key (zone-free). */
export function addDays(day: string, n: number): string {
  const t = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) + n * DAY_MS;
  return periodOfLocal(t).day;
}

/** The `n` day keys ending with `day`, oldest first. */
export function lastDays(day: string, n: number): string[] {
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(addDays(day, -i));
  return out;
}

/** Day of month (1…31) of a YYYY-MM-DD key. */
export function dayOfMonth(day: string): number {
  return Number(day.slice(8, 10));
}

/** Calendar difference b − a in days. */
export function daysBetween(a: string, b: string): number {
  const t = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
  return Math.round((t(b) - t(a)) / DAY_MS);
}
