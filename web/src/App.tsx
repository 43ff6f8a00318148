import { Suspense, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { areaAt, areasFor, audienceOf, homeOf, publicPageAt } from './areas.ts';
import { AppHeader } from './components/AppHeader.tsx';
import { Link, navigate, usePath } from './router.tsx';
import SignInPage from './routes/sign-in/SignInPage.tsx';
import { useSession } from './session/SessionContext.tsx';

export function App() {
  const { t } = useTranslation();
  const path = usePath();
  const { session } = useSession();
  const area = areaAt(path);
  const publicPage = publicPageAt(path);
  const mainRef = useRef<HTMLElement>(null);
  const principal = session?.principal;
  const allowed = !!(principal && area && area.audience.includes(audienceOf(principal)));

  // "/" and "/sign-in" are only way-stations for someone already signed in.
  useEffect(() => {
    if (principal && !area && !publicPage) {
      if (path === '/' || path === '/sign-in') navigate(homeOf(principal).path, { replace: true });
    }
  }, [principal, area, publicPage, path]);

  const titleKey = !principal ? 'signIn.title' : area ? (`areas.${area.id}.title` as const) : 'app.notFound';
  const title = publicPage ? t('oversightDesk.transparency.title') : t(titleKey);
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [t, title]);

  // Move focus to the new page so screen readers announce it, as a full page load would.
  useEffect(() => {
    mainRef.current?.focus({ preventScroll: true });
  }, [path]);

  const theme = publicPage ? publicPage.theme : !principal ? 'mobile' : (area?.theme ?? 'desk');
  let body;
  // Public pages render with or without a session.
  if (publicPage)
    body = (
      <Suspense fallback={<p className="loading">{t('common.loading')}</p>}>
        <publicPage.Screen />
      </Suspense>
    );
  else if (!principal) body = <SignInPage />;
  else if (!area) body = path === '/' || path === '/sign-in' ? null : <NotFound />;
  else if (!allowed) body = <NotYours />;
  else
    body = (
      <Suspense fallback={<p className="loading">{t('common.loading')}</p>}>
        <area.Screen />
      </Suspense>
    );

  return (
    <div
      className={`app theme-${theme}`}
      data-area={publicPage ? publicPage.id : principal ? (area?.id ?? 'none') : 'sign-in'}
    >
      <a className="skip-link" href="#main">
        {t('common.skipToMain')}
      </a>
      <AppHeader area={principal ? area : undefined} />
      <main id="main" ref={mainRef} tabIndex={-1} className="app-main">
        {body}
      </main>
    </div>
  );
}

function NotFound() {
  const { t } = useTranslation();
  const { session } = useSession();
  return (
    <section className="card narrow">
      <h1>{t('app.notFound')}</h1>
      {session ? <Link to={homeOf(session.principal).path}>{t('app.goHome')}</Link> : null}
    </section>
  );
}

function NotYours() {
  const { t } = useTranslation();
  const { session } = useSession();
  if (!session) return null;
  return (
    <section className="card narrow" data-testid="not-your-area">
      <h1>{t('app.notYourArea')}</h1>
      <p>{t('app.notYourAreaExplain')}</p>
      <ul>
        {areasFor(session.principal).map((a) => (
          <li key={a.id}>
            <Link to={a.path}>{t(`areas.${a.id}.title`)}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
