/**
 * Instants inside the rule engine are epoch milliseconds. Everything that crosses the public API is an ISO-8601
 * string (or a Date / epoch ms for `now`), so the engine never reads a clock of its own.
 */
export type Instant = string | number | Date;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export function toMs(at: Instant): number {
  const ms = typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`not a valid instant: ${String(at)}`);
  return ms;
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();
const BUCKET_MS = 15 * 60_000;

// Statuses for a whole city are recomputed at once, so the zone offset is looked up through Intl once per zone and
// quarter hour (time-zone transitions fall on quarter hours) and the wall clock is then plain arithmetic.
function offsetMs(bucketStart: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  const key = `${timeZone}|${bucketStart}`;
  const hit = offsets.get(key);
  if (hit !== undefined) return hit;
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(bucketStart)))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  const local = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0);
  const offset = local - bucketStart;
  if (offsets.size > 100_000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

function wallClock(ms: number, timeZone: string): WallClock {
  const bucketStart = Math.floor(ms / BUCKET_MS) * BUCKET_MS;
  const d = new Date(ms + offsetMs(bucketStart, timeZone));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
  };
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

// Month names and layout are spelled out here rather than left to the ICU locale data, so the text of a status
// cannot change when Node's ICU is upgraded.
export function formatDate(ms: number, timeZone: string, lang: 'zh-CN' | 'en'): string {
  const w = wallClock(ms, timeZone);
  return lang === 'en' ? `${w.day} ${MONTHS_EN[w.month - 1]} ${w.year}` : `${w.year}年${w.month}月${w.day}日`;
}

export function formatDateTime(ms: number, timeZone: string, lang: 'zh-CN' | 'en'): string {
  const w = wallClock(ms, timeZone);
  return `${formatDate(ms, timeZone, lang)} ${pad(w.hour)}:${pad(w.minute)}`;
}
