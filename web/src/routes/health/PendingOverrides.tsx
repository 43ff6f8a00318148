import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { decideOverride, getPendingOverrides, type Override } from '../../api/overrides.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { useLanguage } from '../../i18n/format.ts';
import { labelOf } from '../../i18n/labels.ts';

/** Overrides awaiting a second officer. The proposer sees their own but cannot decide them (the server agrees). */
export function PendingOverrides({ myId }: { myId: string }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [items, setItems] = useState<Override[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [done, setDone] = useState<Record<string, 'approve' | 'reject'>>({});

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      setItems((await getPendingOverrides(signal)).items);
      setError(null);
    } catch (e) {
      if (!signal?.aborted) setError(e);
    }
  }, []);
  useEffect(() => {
    const ac = new AbortController();
    void load(ac.signal);
    return () => ac.abort();
  }, [load]);

  const decide = async (o: Override, decision: 'approve' | 'reject') => {
    const note = (notes[o.id] ?? '').trim();
    if (!note) return;
    try {
      await decideOverride(o.id, decision, note);
      setDone((d) => ({ ...d, [o.id]: decision }));
      setError(null);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section className="card" aria-labelledby="overrides-title" data-testid="pending-overrides">
      <h2 id="overrides-title">{t('health.overrides.title')}</h2>
      <p className="muted">{t('health.overrides.explain')}</p>
      <ProblemAlert error={error} />
      {items === null ? null : items.length === 0 ? (
        <p className="muted">{t('health.overrides.none')}</p>
      ) : (
        <ul className="override-list">
          {items.map((o) => {
            const mine = o.proposedBy === myId;
            const noteId = `override-note-${o.id}`;
            return (
              <li key={o.id} data-override={o.id} className="override">
                <p>
                  <strong>{t('health.overrides.to', { target: labelOf('health.overrides.target', o.target) })}</strong>{' '}
                  · {labelOf('health.overrides.reasonCode', o.reasonCode)}
                </p>
                <p>{o.reason}</p>
                <p className="muted small">
                  {t('health.overrides.proposed', { time: formatTime(o.proposedAt, lang) })}{' '}
                  {t('health.overrides.expires', { time: formatTime(o.expiresAt, lang) })}
                </p>
                {done[o.id] ? (
                  <p role="status" data-testid="override-decided">
                    {done[o.id] === 'approve' ? t('health.overrides.approved') : t('health.overrides.rejected')}
                  </p>
                ) : mine ? (
                  <p className="muted" data-testid="override-own">
                    {t('health.overrides.own')}
                  </p>
                ) : (
                  <>
                    <label htmlFor={noteId}>{t('health.overrides.note')}</label>
                    <textarea
                      id={noteId}
                      name="note"
                      rows={2}
                      value={notes[o.id] ?? ''}
                      onChange={(e) => setNotes((n) => ({ ...n, [o.id]: e.target.value }))}
                    />
                    <div className="task-actions">
                      <button
                        type="button"
                        className="btn btn-primary"
                        disabled={!(notes[o.id] ?? '').trim()}
                        onClick={() => void decide(o, 'approve')}
                      >
                        {t('health.overrides.approve')}
                      </button>
                      <button
                        type="button"
                        className="btn"
                        disabled={!(notes[o.id] ?? '').trim()}
                        onClick={() => void decide(o, 'reject')}
                      >
                        {t('health.overrides.reject')}
                      </button>
                    </div>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
