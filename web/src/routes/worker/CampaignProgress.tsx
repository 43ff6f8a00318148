import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { myCampaignProgress, type VisitProgress } from '../../api/campaigns.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { formatNumber, useLanguage } from '../../i18n/format.ts';
import { isNetworkError } from './task-queue.ts';

const SHOWN = 20;

/**
 * Door-to-door campaign progress in my grids ("no dead ends"): households reached, coverage, and the households
 * still unreached with how many times nobody was home. The visits themselves are filled in from My tasks.
 */
export function CampaignProgress() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [progress, setProgress] = useState<VisitProgress[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const ac = new AbortController();
    myCampaignProgress(ac.signal).then(setProgress, (e: unknown) => {
      if (!ac.signal.aborted && !isNetworkError(e)) setError(e);
    });
    return () => ac.abort();
  }, []);

  return (
    <section className="card" aria-labelledby="campaigns-title" data-testid="campaign-progress">
      <h2 id="campaigns-title">{t('workerOps.campaigns.title')}</h2>
      <ProblemAlert error={error} />
      {progress === null ? (
        error ? null : (
          <p className="loading">{t('common.loading')}</p>
        )
      ) : progress.length === 0 ? (
        <p className="muted">{t('workerOps.campaigns.none')}</p>
      ) : (
        progress.map((p) => {
          const pct = p.households ? Math.round((100 * p.reached) / p.households) : 0;
          return (
            <article
              key={`${p.campaignId}:${p.gridCode}`}
              className="campaign"
              data-campaign={p.campaignId}
              data-grid={p.gridCode}
            >
              <h3>
                {t('workerOps.campaigns.grid', { code: p.gridCode })} ·{' '}
                {t('workerOps.campaigns.due', { time: formatTime(p.dueAt, lang) })}
              </h3>
              <div
                className="coverage-bar"
                role="progressbar"
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={pct}
                aria-label={t('workerOps.campaigns.coverage')}
              >
                <span style={{ width: `${pct}%` }} />
              </div>
              <dl className="facts">
                <dt>{t('workerOps.campaigns.coverage')}</dt>
                <dd data-testid="coverage">{formatNumber(pct, lang)}%</dd>
                <dt>{t('workerOps.campaigns.reached')}</dt>
                <dd data-testid="reached">
                  {t('workerOps.campaigns.ofHouseholds', {
                    reached: formatNumber(p.reached, lang),
                    total: formatNumber(p.households, lang),
                  })}
                </dd>
                <dt>{t('workerOps.campaigns.unreached')}</dt>
                <dd data-testid="unreached">{formatNumber(p.unreached.length, lang)}</dd>
                <dt>{t('workerOps.campaigns.followUp')}</dt>
                <dd data-testid="follow-up">{formatNumber(p.followUp, lang)}</dd>
              </dl>
              {p.unreached.length > 0 ? (
                <details>
                  <summary>{t('workerOps.campaigns.revisit', { count: p.unreached.length })}</summary>
                  <ul className="unreached-list">
                    {p.unreached.slice(0, SHOWN).map((u) => (
                      <li key={u.id} data-task={u.id}>
                        <span className="mono">
                          {t('workerOps.campaigns.household', { ref: u.subject.id.slice(0, 8) })}
                        </span>{' '}
                        ·{' '}
                        {u.attempts > 0
                          ? t('workerOps.campaigns.attempts', { count: u.attempts })
                          : t('workerOps.campaigns.notVisited')}
                      </li>
                    ))}
                  </ul>
                  {p.unreached.length > SHOWN ? (
                    <p className="small muted">
                      {t('workerOps.campaigns.more', { count: p.unreached.length - SHOWN })}
                    </p>
                  ) : null}
                  <p className="small muted">{t('workerOps.campaigns.fromTasks')}</p>
                </details>
              ) : null}
            </article>
          );
        })
      )}
    </section>
  );
}
