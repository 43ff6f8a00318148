import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { useLanguage } from '../../i18n/format.ts';
import { ageOf, STALE_AFTER_MS } from './trust-age.ts';
import type { OfflineTrustState } from './useOfflineTrust.ts';

/** Whether this device can verify offline, with which trust list, how old it is, and a manual refresh. */
export function TrustStatus({ state }: { state: OfflineTrustState }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  // Re-render every 30 s so the age stays true while the screen sits at the door.
  const [, tick] = useState(0);
  useEffect(() => {
    const id = window.setInterval(() => tick((n) => n + 1), 30_000);
    return () => window.clearInterval(id);
  }, []);

  const { cached } = state;
  const stale = cached ? Date.now() - cached.issuedAt.getTime() > STALE_AFTER_MS : false;
  const status = state.loading ? 'loading' : cached ? (stale ? 'stale' : 'ready') : 'none';
  return (
    <section
      className={`card trust-status trust-${status}`}
      aria-labelledby="trust-title"
      data-testid="trust-status"
      data-state={status}
      data-version={cached?.version ?? ''}
    >
      <h2 id="trust-title">{t('checkpointOffline.trust.title')}</h2>
      <p role="status">
        {status === 'loading'
          ? t('checkpointOffline.trust.loading')
          : cached
            ? t(stale ? 'checkpointOffline.trust.stale' : 'checkpointOffline.trust.ready', {
                age: ageOf(cached.issuedAt.toISOString(), lang),
              })
            : t('checkpointOffline.trust.none')}
      </p>
      {cached ? (
        <dl className="facts trust-facts">
          <dt>{t('checkpointOffline.trust.issuer')}</dt>
          <dd className="mono">{cached.issuer}</dd>
          <dt>{t('checkpointOffline.trust.version')}</dt>
          <dd className="mono">{cached.version}</dd>
          <dt>{t('checkpointOffline.trust.signedAt')}</dt>
          <dd>{formatTime(cached.issuedAt.toISOString(), lang)}</dd>
          <dt>{t('checkpointOffline.trust.keys')}</dt>
          <dd>{cached.trust.keys.length}</dd>
          <dt>{t('checkpointOffline.trust.anchor')}</dt>
          <dd className="mono">
            {cached.anchor.alg} {cached.anchor.kid}
          </dd>
        </dl>
      ) : null}
      <button
        type="button"
        className="btn"
        disabled={state.refreshing}
        onClick={() => void state.refresh()}
        data-testid="trust-refresh"
      >
        {state.refreshing ? t('checkpointOffline.trust.refreshing') : t('checkpointOffline.trust.refresh')}
      </button>
      {state.error ? (
        <div data-testid="trust-error">
          <p className="muted small">{t('checkpointOffline.trust.refreshFailed')}</p>
          <ProblemAlert error={state.error} />
        </div>
      ) : null}
    </section>
  );
}
