import type { Language } from '../../i18n/index.ts';

/** "3 minutes ago", "2 days ago" in the page's language, from the device clock. */
export function ageOf(iso: string, lang: Language, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
  return rtf.format(Math.round(seconds / 86400), 'day');
}

/** A trust list older than this is shown as stale: keys may have been rotated or withdrawn since. */
export const STALE_AFTER_MS = 24 * 3600 * 1000;
