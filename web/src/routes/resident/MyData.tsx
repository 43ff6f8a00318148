import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  getAccessLog,
  getMyFacts,
  getMyScans,
  getNotifications,
  getStatusHistory,
  type AccessEntry,
  type MyFact,
  type MyNotification,
  type MyScan,
  type StatusChange,
} from '../../api/me.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { useLanguage } from '../../i18n/format.ts';
import { labelOf } from '../../i18n/labels.ts';
import { AppealCard } from './AppealCard.tsx';
import { placeName } from './place-name.ts';

/** My colour now: the latest status change (none recorded means the default, green). */
function current(history: StatusChange[]): StatusChange['color'] {
  const latest = history.reduce<StatusChange | null>((a, h) => (!a || h.changedAt > a.changedAt ? h : a), null);
  return latest?.color ?? 'green';
}

interface Data {
  history: StatusChange[];
  facts: MyFact[];
  notifications: MyNotification[];
  scans: MyScan[];
  access: AccessEntry[];
}

/**
 * My data as the server holds it: status changes with reasons, facts, notifications, check-ins, who accessed it;
 * and my appeals against my status or a fact. `onChanged` tells the screen a decided appeal may have changed my code.
 */
export function MyData({ version, onChanged }: { version: number; onChanged?: () => void }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [appealFact, setAppealFact] = useState<string | null>(null);

  useEffect(() => {
    const ac = new AbortController();
    Promise.all([
      getStatusHistory(ac.signal),
      getMyFacts(ac.signal),
      getNotifications(ac.signal),
      getMyScans(ac.signal),
      getAccessLog(ac.signal),
    ]).then(
      ([h, f, n, s, a]) => {
        setData({ history: h.items, facts: f.items, notifications: n.items, scans: s.items, access: a.items });
        setError(null);
      },
      (e: unknown) => !ac.signal.aborted && setError(e),
    );
    return () => ac.abort();
  }, [version]);

  const empty = <p className="muted">{t('resident.myData.none')}</p>;
  return (
    <section className="card my-data" aria-labelledby="my-data-title" data-testid="my-data">
      <h2 id="my-data-title">{t('resident.myData.title')}</h2>
      <ProblemAlert error={error} />
      {data ? (
        <>
          <h3>{t('resident.myData.history')}</h3>
          {data.history.length === 0 ? (
            empty
          ) : (
            <ol className="timeline" data-testid="status-history">
              {data.history.map((h) => (
                <li key={h.changedAt} data-color={h.color}>
                  <span className={`dot color-${h.color}`} aria-hidden="true" />
                  <time dateTime={h.changedAt}>{formatTime(h.changedAt, lang)}</time> {h.summary[lang]}
                </li>
              ))}
            </ol>
          )}
          <h3>{t('resident.myData.facts')}</h3>
          {data.facts.length === 0 ? (
            empty
          ) : (
            <ul data-testid="my-facts">
              {data.facts.map((f) => (
                <li key={f.id} className={f.withdrawnAt ? 'withdrawn' : undefined}>
                  <time dateTime={f.occurredAt}>{formatTime(f.occurredAt, lang)}</time> {labelOf('factKind', f.kind)}
                  {f.provenance?.source ? ` · ${labelOf('factSource', f.provenance.source)}` : ''}
                  {f.withdrawnAt ? ` · ${t('resident.myData.withdrawn')}` : ''}
                  {f.withdrawnAt ? null : (
                    <>
                      {' '}
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-pressed={appealFact === f.id}
                        onClick={() => {
                          setAppealFact(f.id);
                          document.getElementById('appeal-title')?.scrollIntoView({ block: 'start' });
                        }}
                        data-testid="appeal-fact"
                      >
                        {t('residentExtra.appeal.contestFact')}
                      </button>
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
          <AppealCard
            facts={data.facts}
            color={current(data.history)}
            factId={appealFact}
            onPickFact={setAppealFact}
            version={version}
            onDecided={() => onChanged?.()}
          />
          <h3>{t('resident.myData.notifications')}</h3>
          {data.notifications.length === 0 ? (
            empty
          ) : (
            <ul data-testid="my-notifications">
              {data.notifications.map((n) => (
                <li key={n.id}>
                  <time dateTime={n.createdAt}>{formatTime(n.createdAt, lang)}</time>{' '}
                  {n.payload.summary ? n.payload.summary[lang] : labelOf('notificationKind', n.kind)}
                </li>
              ))}
            </ul>
          )}
          <h3>{t('resident.myData.scans')}</h3>
          {data.scans.length === 0 ? (
            empty
          ) : (
            <ul data-testid="my-scans">
              {data.scans.map((s) => (
                <li key={s.id}>
                  <time dateTime={s.scannedAt}>{formatTime(s.scannedAt, lang)}</time> {placeName(s.place, lang)}
                </li>
              ))}
            </ul>
          )}
          <h3>{t('resident.myData.access')}</h3>
          {data.access.length === 0 ? (
            empty
          ) : (
            <ul data-testid="access-log">
              {data.access.map((a) => (
                <li key={a.seq}>
                  <time dateTime={a.at}>{formatTime(a.at, lang)}</time>{' '}
                  {a.who.kind === 'system'
                    ? t('resident.myData.bySystem', { actor: a.who.actorId ?? '' })
                    : a.who.role
                      ? labelOf('roles', a.who.role)
                      : a.who.kind}{' '}
                  · <code>{a.action}</code>
                  {a.purpose ? ` · ${t('resident.myData.purpose', { purpose: a.purpose })}` : ''}
                </li>
              ))}
            </ul>
          )}
        </>
      ) : error ? null : (
        <p className="loading">{t('resident.myData.loading')}</p>
      )}
    </section>
  );
}
