import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { decideExportRequest, listExportRequests, type ExportRequest } from '../../api/export-approvals.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { useLanguage } from '../../i18n/format.ts';
import { labelOf } from '../../i18n/labels.ts';

/** Bulk exports of personal data wait here for a second person; the requester cannot decide their own. */
export function ExportApprovals({ myId }: { myId: string }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [items, setItems] = useState<ExportRequest[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notes, setNotes] = useState<Record<string, string>>({});

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      setItems((await listExportRequests(signal)).items);
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

  const decide = async (r: ExportRequest, decision: 'approve' | 'reject') => {
    const note = (notes[r.id] ?? '').trim();
    if (!note) return;
    try {
      const done = await decideExportRequest(r.id, decision, note);
      setItems((xs) => (xs ? xs.map((x) => (x.id === r.id ? done : x)) : xs));
      setError(null);
    } catch (e) {
      setError(e);
    }
  };

  const pending = items?.filter((r) => r.state === 'pending') ?? [];
  const decided = items?.filter((r) => r.state !== 'pending') ?? [];

  return (
    <section className="card" aria-labelledby="exports-title" data-testid="export-approvals">
      <h2 id="exports-title">{t('oversightDesk.exports.title')}</h2>
      <p className="muted">{t('oversightDesk.exports.explain')}</p>
      <ProblemAlert error={error} />
      {items === null ? (
        <p className="loading">{t('common.loading')}</p>
      ) : (
        <>
          <h3>{t('oversightDesk.exports.waiting')}</h3>
          {pending.length === 0 ? (
            <p className="muted">{t('oversightDesk.exports.none')}</p>
          ) : (
            <ul className="stack-list">
              {pending.map((r) => {
                const noteId = `export-note-${r.id}`;
                return (
                  <li key={r.id} className="flag" data-export={r.id}>
                    <h3>
                      {labelOf('oversightDesk.exports.kind', r.kind)}
                      {r.jurisdictionId ? ` · ${r.jurisdictionId}` : ''}
                    </h3>
                    <p>{r.reason}</p>
                    <p className="muted small">
                      {t('oversightDesk.exports.requested', {
                        who: r.requestedBy,
                        time: formatTime(r.requestedAt, lang),
                      })}{' '}
                      {t('oversightDesk.exports.expires', { time: formatTime(r.expiresAt, lang) })}
                    </p>
                    {r.requestedBy === myId ? (
                      <p className="muted">{t('oversightDesk.exports.own')}</p>
                    ) : (
                      <>
                        <label htmlFor={noteId}>{t('oversightDesk.exports.note')}</label>
                        <textarea
                          id={noteId}
                          rows={2}
                          value={notes[r.id] ?? ''}
                          onChange={(e) => setNotes((n) => ({ ...n, [r.id]: e.target.value }))}
                        />
                        <div className="row-actions">
                          <button
                            type="button"
                            className="btn btn-primary"
                            disabled={!(notes[r.id] ?? '').trim()}
                            onClick={() => void decide(r, 'approve')}
                          >
                            {t('oversightDesk.exports.approve')}
                          </button>
                          <button
                            type="button"
                            className="btn"
                            disabled={!(notes[r.id] ?? '').trim()}
                            onClick={() => void decide(r, 'reject')}
                          >
                            {t('oversightDesk.exports.reject')}
                          </button>
                        </div>
                      </>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
          <h3>{t('oversightDesk.exports.history')}</h3>
          {decided.length === 0 ? (
            <p className="muted">{t('oversightDesk.exports.noHistory')}</p>
          ) : (
            <div className="table-wrap">
              <table className="data-table">
                <thead>
                  <tr>
                    <th scope="col">{t('oversightDesk.exports.kindCol')}</th>
                    <th scope="col">{t('oversightDesk.exports.reason')}</th>
                    <th scope="col">{t('oversightDesk.exports.stateCol')}</th>
                    <th scope="col">{t('oversightDesk.exports.decision')}</th>
                  </tr>
                </thead>
                <tbody>
                  {decided.map((r) => (
                    <tr key={r.id} data-export={r.id} data-state={r.state}>
                      <td>{labelOf('oversightDesk.exports.kind', r.kind)}</td>
                      <td>{r.reason}</td>
                      <td>{t(`oversightDesk.exports.state.${r.state}`)}</td>
                      <td>
                        {r.decisionNote ?? ''}
                        {r.decidedAt ? <span className="muted small"> · {formatTime(r.decidedAt, lang)}</span> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
