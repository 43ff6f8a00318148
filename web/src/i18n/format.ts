import { useTranslation } from 'react-i18next';
import type { Names } from '../api/types.ts';
import { isLanguage, type Language } from './index.ts';

export function useLanguage(): Language {
  const { i18n } = useTranslation();
  return isLanguage(i18n.language) ? i18n.language : 'en';
}

export const nameIn = (names: Names, lang: Language): string => names[lang] || names.en || names['zh-CN'];

export function formatNumber(n: number, lang: Language, digits = 0): string {
  return new Intl.NumberFormat(lang, { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(n);
}

/** A percentage given as 0–100, whole numbers (coverage figures are read at a glance). */
export function formatPercent(pct: number, lang: Language): string {
  return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(pct / 100);
}

/** Areas read in m² up to a hectare-ish size, then km². */
export function formatArea(m2: number, lang: Language): string {
  return m2 >= 100_000 ? `${formatNumber(m2 / 1e6, lang, 2)} km²` : `${formatNumber(m2, lang)} m²`;
}
