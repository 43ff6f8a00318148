import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { decideExposures, type Exposure } from '../../api/exposures.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { shortId } from '../../components/TransmissionGraph.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { useLanguage } from '../../i18n/format.ts';
import { Link } from '../../router.tsx';
import { formatWindow } from './format.ts';

interface Encounter {
  placeId?: string;
  start?: string;
  end?: string;
  sourceAt?: string;
  contactAt?: string;
}

/**
 * Exposures with their evidence (place, overlap window, both scans). Pending ones can be selected and confirmed (they
 * become exposure facts and statuses follow) or dismissed with a reason.
 */
export function ExposureTable({
  items,
  showCase,
  onDecided,
  testId,
}: {
  items: Exposure[];
  showCase: boolean;
  onDecided: () => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const pending = items.filter((e) => e.state === 'pending');
  const placeName = (e: Exposure) => (e.place ? (lang === 'zh-CN' ? e.place.nameZh : e.place.nameEn) : '—');

  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const n = new Set(s);
      if (on) n.add(id);
      else n.delete(id);
      return n;
    });

  const decide = async (decision: 'confirm' | 'dismiss') => {
    if (selected.size === 0) return;
    setBusy(true);
    try {
      const r = await decideExposures([...selected], decision, note.trim());
      const changed = r.items.filter((x) => x.changed).length;
      setResult(
        decision === 'confirm'
          ? t('healthDesk.exposures.confirmed', { count: changed })
          : t('healthDesk.exposures.dismissed', { count: changed }),
      );
      setError(null);
      setSelected(new Set());
      setNote('');
      onDecided();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid={testId}>
      {result ? (
        <p role="status" className="notice" data-testid="exposure-decided">
          {result}
        </p>
      ) : null}
      <ProblemAlert error={error} />
      {items.length === 0 ? (
        <p className="muted">{t('healthDesk.exposures.none')}</p>
      ) : (
        <div className="hd-table-wrap">
          <table className="hd-table">
            <thead>
              <tr>
                {pending.length > 0 ? (
                  <th scope="col">
                    <span className="visually-hidden">{t('healthDesk.exposures.select')}</span>
                  </th>
                ) : null}
                <th scope="col">{t('healthDesk.exposures.person')}</th>
                {showCase ? <th scope="col">{t('healthDesk.exposures.case')}</th> : null}
                <th scope="col">{t('healthDesk.exposures.degree')}</th>
                <th scope="col">{t('healthDesk.exposures.place')}</th>
                <th scope="col">{t('healthDesk.exposures.window')}</th>
                <th scope="col">{t('healthDesk.exposures.evidence')}</th>
                <th scope="col">{t('healthDesk.exposures.state')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => {
                const evidence = (e.evidence ?? []) as Encounter[];
                const boxId = `exp-${e.id}`;
                return (
                  <tr key={e.id} data-exposure={e.id} data-state={e.state}>
                    {pending.length > 0 ? (
                      <td>
                        {e.state === 'pending' ? (
                          <input
                            id={boxId}
                            type="checkbox"
                            checked={selected.has(e.id)}
                            onChange={(ev) => toggle(e.id, ev.target.checked)}
                            aria-label={t('healthDesk.exposures.selectOne', { id: shortId(e.personId) })}
                          />
                        ) : null}
                      </td>
                    ) : null}
                    <td className="mono">{shortId(e.personId)}</td>
                    {showCase ? (
                      <td>
                        {e.caseId ? (
                          <Link to={`/health/cases/${e.caseId}`} className="mono">
                            {t('healthDesk.graph.caseNode', { id: shortId(e.caseId) })}
                          </Link>
                        ) : (
                          t('healthDesk.exposures.designation')
                        )}
                      </td>
                    ) : null}
                    <td>{t(`healthDesk.exposures.degreeName.${e.degree}`)}</td>
                    <td>{placeName(e)}</td>
                    <td>{formatWindow(e.window.start, e.window.end, lang)}</td>
                    <td className="small">
                      {e.scans?.source.at && e.scans.contact.at ? (
                        <span>
                          {t('healthDesk.exposures.scans', {
                            source: formatTime(e.scans.source.at, lang),
                            contact: formatTime(e.scans.contact.at, lang),
                          })}
                        </span>
                      ) : null}
                      {evidence.length > 1 ? (
                        <details>
                          <summary>{t('healthDesk.exposures.encounters', { count: e.encounters })}</summary>
                          <ul className="hd-plain">
                            {evidence.map((x, i) =>
                              x.start && x.end ? <li key={i}>{formatWindow(x.start, x.end, lang)}</li> : null,
                            )}
                          </ul>
                        </details>
                      ) : null}
                    </td>
                    <td>
                      <span className={`hd-badge hd-badge-${e.state}`}>
                        {t(`healthDesk.exposures.stateName.${e.state}`)}
                      </span>
                      {e.decisionNote ? <div className="small muted">{e.decisionNote}</div> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {pending.length > 0 ? (
        <div className="hd-decide">
          <p className="muted small">{t('healthDesk.exposures.decideHelp', { count: selected.size })}</p>
          <label htmlFor={`${testId}-note`}>{t('healthDesk.exposures.note')}</label>
          <textarea id={`${testId}-note`} rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
          <div className="hd-actions">
            <button
              type="button"
              className="btn btn-primary"
              disabled={busy || selected.size === 0}
              onClick={() => void decide('confirm')}
            >
              {t('healthDesk.exposures.confirm')}
            </button>
            <button
              type="button"
              className="btn btn-quiet"
              disabled={busy || selected.size === 0 || note.trim().length < 5}
              onClick={() => void decide('dismiss')}
            >
              {t('healthDesk.exposures.dismiss')}
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
