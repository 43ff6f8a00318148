import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './live-panels.css';
import { followFeed, type FeedEvent } from '../../../api/feed.ts';
import { formatTime } from '../../../i18n/datetime.ts';
import { useLanguage } from '../../../i18n/format.ts';
import { labelOf } from '../../../i18n/labels.ts';
import { useSession } from '../../../session/SessionContext.tsx';

const KEEP = 50;

/** The live feed of events in my jurisdiction (incidents, tasks, status changes, campaigns) — never a person. */
export function LiveFeed({ onEvent }: { onEvent: (e: FeedEvent) => void }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const token = useSession().session?.token ?? null;
  const [events, setEvents] = useState<FeedEvent[]>([]);
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    if (!token) return;
    return followFeed(
      token,
      (e) => {
        setEvents((prev) => [e, ...prev].slice(0, KEEP));
        onEvent(e);
      },
      setConnected,
    );
  }, [token, onEvent]);

  return (
    <section className="panel" aria-labelledby="feed-title" data-testid="live-feed" data-connected={connected}>
      <h2 id="feed-title" className="panel-title">
        {t('command.feed.title')}{' '}
        <span className={`tag ${connected ? 'tag-live' : ''}`}>
          {connected ? t('command.feed.live') : t('command.feed.offline')}
        </span>
      </h2>
      {events.length === 0 ? (
        <p className="muted small">{t('command.feed.empty')}</p>
      ) : (
        <ol className="feed-list" aria-live="polite">
          {events.map((e) => {
            const grid = typeof e.data.gridCode === 'string' ? e.data.gridCode : null;
            const to = typeof e.data.to === 'string' ? e.data.to : null;
            return (
              <li key={e.id} data-topic={e.topic}>
                {e.data.at ? <time dateTime={e.data.at}>{formatTime(e.data.at, lang)}</time> : null}{' '}
                <strong>{labelOf('command.feed.topic', e.topic)}</strong>
                {to ? ` → ${labelOf('color', to)}` : ''}
                {grid ? ` · ${t('command.feed.grid', { code: grid })}` : ''}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
