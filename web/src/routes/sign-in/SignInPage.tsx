import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { signInResident, signInStaff } from '../../api/auth.ts';
import { areaAt, audienceOf, homeOf } from '../../areas.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Link, navigate } from '../../router.tsx';
import { useSession } from '../../session/SessionContext.tsx';

type Kind = 'staff' | 'resident';
const KINDS: readonly Kind[] = ['staff', 'resident'];

export default function SignInPage() {
  const { t } = useTranslation();
  const { begin, endReason } = useSession();
  const [kind, setKind] = useState<Kind>('staff');
  const [account, setAccount] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const tabRefs = useRef<Record<Kind, HTMLButtonElement | null>>({ staff: null, resident: null });
  const ids = { tabs: useId(), account: useId(), password: useId(), panel: useId() };
  // The page the visitor asked for before signing in; honoured if their role may see it.
  const [wanted] = useState(() => window.location.pathname);

  const choose = (k: Kind) => {
    setKind(k);
    setAccount('');
    setError(null);
  };

  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight' && e.key !== 'Home' && e.key !== 'End') return;
    e.preventDefault();
    const i = KINDS.indexOf(kind);
    const next =
      e.key === 'Home'
        ? KINDS[0]
        : e.key === 'End'
          ? KINDS.at(-1)
          : KINDS[(i + (e.key === 'ArrowRight' ? 1 : -1) + 2) % 2];
    if (!next) return;
    choose(next);
    tabRefs.current[next]?.focus();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      const s =
        kind === 'staff' ? await signInStaff(account.trim(), password) : await signInResident(account.trim(), password);
      begin(s);
      const target = areaAt(wanted);
      const dest = target && target.audience.includes(audienceOf(s.principal)) ? wanted : homeOf(s.principal).path;
      navigate(dest, { replace: true });
    } catch (err) {
      setError(err);
      setPending(false);
    }
  };

  return (
    <div className="sign-in">
      <div className="sign-in-intro">
        <h1>{t('signIn.title')}</h1>
        <p>{t('signIn.lead')}</p>
        <h2 className="principles-title">{t('signIn.principlesTitle')}</h2>
        <ul className="principles">
          <li>{t('signIn.principles.p1')}</li>
          <li>{t('signIn.principles.p2')}</li>
          <li>{t('signIn.principles.p3')}</li>
        </ul>
      </div>
      <div className="sign-in-side">
        {endReason === 'expired' ? (
          <p className="notice" role="status">
            {t('signIn.expired')}
          </p>
        ) : endReason === 'signed-out' ? (
          <p className="notice" role="status">
            {t('signIn.signedOut')}
          </p>
        ) : null}
        <div className="card sign-in-card">
          <div role="tablist" aria-label={t('signIn.who')} className="tabs" id={ids.tabs}>
            {KINDS.map((k) => (
              <button
                key={k}
                ref={(el) => {
                  tabRefs.current[k] = el;
                }}
                type="button"
                role="tab"
                id={`${ids.tabs}-${k}`}
                aria-selected={kind === k}
                aria-controls={ids.panel}
                tabIndex={kind === k ? 0 : -1}
                onClick={() => choose(k)}
                onKeyDown={onTabKey}
                data-testid={`sign-in-tab-${k}`}
              >
                {t(`signIn.tab.${k}`)}
              </button>
            ))}
          </div>
          <form
            id={ids.panel}
            role="tabpanel"
            aria-labelledby={`${ids.tabs}-${kind}`}
            onSubmit={(e) => void submit(e)}
            className="form"
            noValidate
          >
            <div className="field">
              <label htmlFor={ids.account}>{kind === 'staff' ? t('signIn.username') : t('signIn.phone')}</label>
              <input
                id={ids.account}
                name={kind === 'staff' ? 'username' : 'phone'}
                type={kind === 'staff' ? 'text' : 'tel'}
                inputMode={kind === 'staff' ? 'text' : 'tel'}
                autoComplete={kind === 'staff' ? 'username' : 'tel'}
                autoCapitalize="none"
                spellCheck={false}
                required
                value={account}
                onChange={(e) => setAccount(e.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor={ids.password}>{t('signIn.password')}</label>
              <input
                id={ids.password}
                name="password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </div>
            <ProblemAlert error={error} />
            <button type="submit" className="btn btn-primary btn-block" disabled={pending || !account || !password}>
              {pending ? t('signIn.signingIn') : t('signIn.submit')}
            </button>
          </form>
        </div>
        <p className="sign-in-footer">
          <Link to="/transparency" data-testid="transparency-link">
            {t('oversightDesk.transparency.link')}
          </Link>
        </p>
      </div>
    </div>
  );
}
