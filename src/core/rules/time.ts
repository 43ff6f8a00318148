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

function wallClock(ms: number, timeZone: string): WallClock {
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
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
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
