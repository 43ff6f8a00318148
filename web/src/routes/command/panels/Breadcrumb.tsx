import { useTranslation } from 'react-i18next';
import type { JurisdictionFeature } from '../../../api/types.ts';
import { nameIn, useLanguage } from '../../../i18n/format.ts';
import { Link } from '../../../router.tsx';

/** From the staff member's own scope down to the focus: levels above their scope are not theirs to browse. */
export function Breadcrumb({ focus, scopeId }: { focus: JurisdictionFeature; scopeId: string }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const trail = focus.properties.breadcrumb ?? [
    { id: focus.id, level: focus.properties.level, name: focus.properties.name },
  ];
  const start = Math.max(
    0,
    trail.findIndex((c) => c.id === scopeId),
  );
  const shown = trail.slice(start);
  return (
    <nav aria-label={t('command.breadcrumb')} className="breadcrumb" data-testid="breadcrumb">
      <ol>
        {shown.map((c, i) => {
          const last = i === shown.length - 1;
          return (
            <li key={c.id}>
              <span className="crumb-level">{t(`levels.${c.level}`, { defaultValue: c.level })}</span>
              {last ? (
                <span aria-current="page" className="crumb-current">
                  {nameIn(c.name, lang)}
                </span>
              ) : (
                <Link to={`/command/${c.id}`}>{nameIn(c.name, lang)}</Link>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
