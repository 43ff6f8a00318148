import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, isLanguage, setLanguage } from '../i18n/index.ts';
import { useLanguage } from '../i18n/format.ts';

// Each language is named in itself, so someone who cannot read the current UI can still find theirs.
const ENDONYMS = { 'zh-CN': '中文', en: 'English' } as const;

export function LanguageSwitch() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const id = useId();
  return (
    <div className="lang-switch">
      <label htmlFor={id} className="visually-hidden">
        {t('common.language')}
      </label>
      <select
        id={id}
        value={lang}
        data-testid="language-switch"
        onChange={(e) => isLanguage(e.target.value) && setLanguage(e.target.value)}
      >
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {ENDONYMS[l]}
          </option>
        ))}
      </select>
    </div>
  );
}
