import { useTranslation } from 'react-i18next';
import { areasFor, type Area } from '../areas.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session/SessionContext.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

export function AppHeader({ area }: { area: Area | undefined }) {
  const { t } = useTranslation();
  const { session, end } = useSession();
  const principal = session?.principal;
  const areas = principal ? areasFor(principal) : [];
  const who =
    principal?.kind === 'staff' ? principal.displayName || principal.username : principal ? t('roles.resident') : '';
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">{t('app.name')}</span>
        {area && areas.length <= 1 ? <span className="brand-area">{t(`areas.${area.id}.title`)}</span> : null}
      </div>
      {areas.length > 1 ? (
        <nav aria-label={t('common.areasNav')} className="area-nav">
          {areas.map((a) => (
            <Link key={a.id} to={a.path} aria-current={a.id === area?.id ? 'page' : undefined}>
              {t(`areas.${a.id}.short`)}
            </Link>
          ))}
        </nav>
      ) : null}
      <div className="header-tools">
        <LanguageSwitch />
        {principal ? (
          <>
            <span className="who" data-testid="who">
              <span className="who-name">{who}</span>
              {principal.kind === 'staff' ? <span className="who-role">{t(`roles.${principal.role}`)}</span> : null}
            </span>
            <button type="button" className="btn btn-quiet" onClick={() => void end('signed-out')}>
              {t('common.signOut')}
            </button>
          </>
        ) : null}
      </div>
    </header>
  );
}
