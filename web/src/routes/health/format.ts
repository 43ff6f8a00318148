import type { Language } from '../../i18n/index.ts';

export const formatDate = (iso: string, lang: Language) =>
  new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(new Date(iso));

export const formatWindow = (start: string, end: string, lang: Language) => {
  const s = new Date(start);
  const e = new Date(end);
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' });
  const hm = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' });
  const sameDay = date.format(s) === date.format(e);
  return sameDay
    ? `${date.format(s)} ${hm.format(s)}–${hm.format(e)}`
    : `${date.format(s)} ${hm.format(s)} – ${date.format(e)} ${hm.format(e)}`;
};

/** For <input type="datetime-local">: local wall time without seconds. */
export function toLocalInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export const fromLocalInput = (v: string) => new Date(v).toISOString();
