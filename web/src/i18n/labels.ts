import i18n from 'i18next';

/**
 * The translated label for a value the server sends (a fact kind, a role, a check name), or the value itself when
 * this version of the app has no label for it: a new server-side value must never show as an empty string.
 */
export function labelOf(group: string, value: string): string {
  const key = `${group}.${value}`;
  return i18n.exists(key) ? String((i18n.t as unknown as (k: string) => string)(key)) : value;
}
