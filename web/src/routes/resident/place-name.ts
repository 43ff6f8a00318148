import type { MyScan } from '../../api/me.ts';
import type { Language } from '../../i18n/index.ts';

export const placeName = (p: MyScan['place'], lang: Language): string =>
  (lang === 'zh-CN' ? (p.nameZh ?? p.nameEn) : (p.nameEn ?? p.nameZh)) ?? p.id;
