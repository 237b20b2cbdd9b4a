// k8s parity: apimachinery pkg/util/duration (HumanDuration, ShortHumanDuration) and the
// translateTimestamp* helpers of kubernetes pkg/printers/internalversion. Durations are in
// milliseconds; Go truncates every conversion toward zero, and so does this.

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

const trunc = Math.trunc;

/**
 * duration.HumanDuration: ~2-3 significant figures ("45s", "5m30s", "3h10m", "2d3h", "3y4d").
 * A deviation of up to 2 s into the future counts as now ("0s"); beyond that it is "<invalid>".
 */
export function humanDuration(ms: number): string {
  const seconds = trunc(ms / second);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = trunc(ms / minute);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = trunc(ms / hour);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const dy = days % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${years}y`;
}

/** duration.ShortHumanDuration: one unit ("45s", "5m", "3h", "12d", "2y"). */
export function shortHumanDuration(ms: number): string {
  const seconds = trunc(ms / second);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = trunc(ms / minute);
  if (minutes < 60) return `${minutes}m`;
  const hours = trunc(ms / hour);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${trunc(hours / 24)}d`;
  return `${trunc(hours / 24 / 365)}y`;
}

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Milliseconds since the epoch of a metav1.Time / MicroTime as JSON carries it (RFC 3339), or
 * undefined for the zero time (null, absent, "0001-01-01T00:00:00Z") and anything unparsable.
 */
export function parseTime(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = rfc3339.exec(v);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  // Date.UTC maps years 0-99 to 1900-1999; Go's zero time is year 1.
  if (Number(y) < 100) {
    const t = new Date(ms);
    t.setUTCFullYear(Number(y));
    ms = t.getTime();
  }
  if (frac !== '') ms += trunc(Number(`0${frac}`) * 1000);
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * hour + Number(zone.slice(4, 6)) * minute);
  }
  return ms === goZeroTime ? undefined : ms;
}

/** time.Time{} (0001-01-01T00:00:00Z). */
const goZeroTime = -62135596800000;

/** translateTimestampSince: the age of a timestamp, "<unknown>" for the zero time. */
export function translateTimestampSince(ts: unknown, now: Date): string {
  const t = parseTime(ts);
  return t === undefined ? '<unknown>' : humanDuration(now.getTime() - t);
}

/** translateTimestampUntil: the time left until a timestamp, "<unknown>" for the zero time. */
export function translateTimestampUntil(ts: unknown, now: Date): string {
  const t = parseTime(ts);
  return t === undefined ? '<unknown>' : humanDuration(t - now.getTime());
}
