import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { listFlags, resolveFlag, scanForAnomalies, type AnomalyFlag } from '../../api/anomalies.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { formatNumber, useLanguage } from '../../i18n/format.ts';
import { labelOf } from '../../i18n/labels.ts';

type Outcome = 'confirmed' | 'dismissed';
// The API has one resolution with a note; the outcome travels as a tag at the start of the note.
const TAG: Record<Outcome, string> = { confirmed: '[confirmed]', dismissed: '[dismissed]' };
const MIN_NOTE = 10;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** "id (n)" lists from the shapes detectors use: string arrays, [{id, facts}] arrays, or {id: n} maps. */
function listOf(v: unknown): string | null {
  if (Array.isArray(v)) {
    const parts = v.map((x) =>
      isObj(x) ? `${String(x.id)}${typeof x.facts === 'number' ? ` (${x.facts})` : ''}` : String(x),
    );
    return parts.length ? parts.join(', ') : null;
  }
  if (isObj(v)) {
    const parts = Object.entries(v).map(([k, n]) => `${k} (${String(n)})`);
    return parts.length ? parts.join(', ') : null;
  }
  return typeof v === 'string' && v ? v : null;
}

function Evidence({ flag }: { flag: AnomalyFlag }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const e = flag.evidence;
  const window = isObj(e.window) ? e.window : null;
  const from = (window?.from as string | undefined) ?? flag.firstEventAt;
  const to = (window?.to as string | undefined) ?? flag.triggerEventAt;
  const places = listOf(e.places) ?? listOf(e.placeId);
  const staff =
    [listOf(e.recorders), listOf(e.recorder), listOf(e.proposers), listOf(e.approvers), listOf(e.publishedBy)]
      .filter(Boolean)
      .join('; ') || null;
  const origin =
    typeof e.dimension === 'string'
      ? `${labelOf('oversightDesk.dimension', e.dimension)}: ${String(e.key ?? '')}`
      : typeof e.district === 'string'
        ? `${t('oversightDesk.anomalies.district')}: ${e.district}`
        : typeof e.ruleSet === 'string'
          ? `${t('oversightDesk.anomalies.ruleSet')}: ${e.ruleSet}`
          : null;
  return (
    <dl className="facts" data-testid="flag-evidence">
      <dt>{t('oversightDesk.anomalies.people')}</dt>
      <dd data-testid="flag-people">{formatNumber(flag.subjectCount, lang)}</dd>
      {from || to ? (
        <>
          <dt>{t('oversightDesk.anomalies.window')}</dt>
          <dd>
            {from ? formatTime(from, lang) : '…'} – {to ? formatTime(to, lang) : '…'}
          </dd>
        </>
      ) : null}
      {places ? (
        <>
          <dt>{t('oversightDesk.anomalies.places')}</dt>
          <dd className="hash">{places}</dd>
        </>
      ) : null}
      {staff ? (
        <>
          <dt>{t('oversightDesk.anomalies.staff')}</dt>
          <dd className="hash">{staff}</dd>
        </>
      ) : null}
      {origin ? (
        <>
          <dt>{t('oversightDesk.anomalies.origin')}</dt>
          <dd className="hash">{origin}</dd>
        </>
      ) : null}
    </dl>
  );
}

export function Anomalies() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [state, setState] = useState<'open' | 'resolved'>('open');
  const [items, setItems] = useState<AnomalyFlag[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  const [scanning, setScanning] = useState(false);
  const [scanResult, setScanResult] = useState<{ raised: number; updated: number } | null>(null);

  const load = useCallback(
    async (after: string | undefined, signal?: AbortSignal) => {
      try {
        const page = await listFlags(state, after, signal);
        setItems((prev) => (after && prev ? [...prev, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setError(null);
      } catch (e) {
        if (!signal?.aborted) setError(e);
      }
    },
    [state],
  );
  useEffect(() => {
    const ac = new AbortController();
    setItems(null);
    void load(undefined, ac.signal);
    return () => ac.abort();
  }, [load]);

  const scan = async () => {
    setScanning(true);
    try {
      const r = await scanForAnomalies();
      setScanResult({ raised: r.raised, updated: r.updated });
      await load(undefined);
    } catch (e) {
      setError(e);
    } finally {
      setScanning(false);
    }
  };

  const resolve = async (f: AnomalyFlag) => {
    const note = (notes[f.id] ?? '').trim();
    if (note.length < MIN_NOTE) return;
    try {
      const done = await resolveFlag(f.id, `${TAG[outcomes[f.id] ?? 'confirmed']} ${note}`);
      setItems((xs) => (xs ? xs.map((x) => (x.id === f.id ? done : x)) : xs));
      setError(null);
    } catch (e) {
      setError(e);
    }
  };

  const outcomeOf = (note: string | null): Outcome | null =>
    note?.startsWith(TAG.dismissed) ? 'dismissed' : note?.startsWith(TAG.confirmed) ? 'confirmed' : null;
  const stripTag = (note: string) => note.replace(/^\[(confirmed|dismissed)\]\s*/, '');

  return (
    <section className="card" aria-labelledby="anomalies-title" data-testid="anomalies">
      <h2 id="anomalies-title">{t('oversightDesk.anomalies.title')}</h2>
      <p className="muted">{t('oversightDesk.anomalies.explain')}</p>
      <div className="row-actions">
        <div className="tabs" role="group" aria-label={t('oversightDesk.anomalies.show')}>
          {(['open', 'resolved'] as const).map((s) => (
            <button
              key={s}
              type="button"
              className={`btn btn-small${state === s ? ' btn-primary' : ''}`}
              aria-pressed={state === s}
              onClick={() => setState(s)}
            >
              {t(`oversightDesk.anomalies.state.${s}`)}
            </button>
          ))}
        </div>
        <button
          type="button"
          className="btn"
          onClick={() => void scan()}
          disabled={scanning}
          data-testid="anomaly-scan"
        >
          {scanning ? t('oversightDesk.anomalies.scanning') : t('oversightDesk.anomalies.scan')}
        </button>
      </div>
      {scanResult ? (
        <p role="status" className="small">
          {t('oversightDesk.anomalies.scanned', { raised: scanResult.raised, updated: scanResult.updated })}
        </p>
      ) : null}
      <ProblemAlert error={error} />
      {items === null ? (
        <p className="loading">{t('common.loading')}</p>
      ) : items.length === 0 ? (
        <p className="muted">{t(`oversightDesk.anomalies.none.${state}`)}</p>
      ) : (
        <ul className="flag-list">
          {items.map((f) => {
            const noteId = `flag-note-${f.id}`;
            const note = notes[f.id] ?? '';
            const outcome = outcomeOf(f.resolutionNote);
            return (
              <li key={f.id} className="flag" data-flag={f.id} data-detector={f.detector} data-state={f.state}>
                <h3>
                  {labelOf('oversightDesk.detector', f.detector)}{' '}
                  <span className={`badge${f.severity === 'high' ? ' badge-high' : ''}`}>
                    {labelOf('oversightDesk.severity', f.severity)}
                  </span>
                </h3>
                <p lang="en">{f.summary}</p>
                <p className="muted small">
                  {t('oversightDesk.anomalies.detected', { time: formatTime(f.detectedAt, lang) })}{' '}
                  {f.updatedAt !== f.detectedAt
                    ? t('oversightDesk.anomalies.updated', { time: formatTime(f.updatedAt, lang) })
                    : ''}
                </p>
                <Evidence flag={f} />
                <details>
                  <summary>{t('oversightDesk.anomalies.rawEvidence')}</summary>
                  <pre className="json" lang="en">
                    {JSON.stringify(f.evidence, null, 2)}
                  </pre>
                </details>
                {f.state === 'resolved' ? (
                  <div role="status" data-testid="flag-resolution">
                    <p>
                      <strong>
                        {outcome
                          ? t(`oversightDesk.anomalies.outcome.${outcome}`)
                          : t('oversightDesk.anomalies.resolvedLabel')}
                      </strong>{' '}
                      {f.resolvedAt
                        ? t('oversightDesk.anomalies.resolvedAt', { time: formatTime(f.resolvedAt, lang) })
                        : ''}
                    </p>
                    {f.resolutionNote ? <p>{stripTag(f.resolutionNote)}</p> : null}
                  </div>
                ) : (
                  <fieldset className="resolve">
                    <legend>{t('oversightDesk.anomalies.resolve')}</legend>
                    {(['confirmed', 'dismissed'] as const).map((o) => (
                      <label key={o} className="radio">
                        <input
                          type="radio"
                          name={`outcome-${f.id}`}
                          value={o}
                          checked={(outcomes[f.id] ?? 'confirmed') === o}
                          onChange={() => setOutcomes((x) => ({ ...x, [f.id]: o }))}
                        />{' '}
                        {t(`oversightDesk.anomalies.outcome.${o}`)}
                      </label>
                    ))}
                    <label htmlFor={noteId}>{t('oversightDesk.anomalies.note')}</label>
                    <textarea
                      id={noteId}
                      name="note"
                      rows={2}
                      value={note}
                      onChange={(e) => setNotes((n) => ({ ...n, [f.id]: e.target.value }))}
                      aria-describedby={`${noteId}-hint`}
                    />
                    <p id={`${noteId}-hint`} className="muted small">
                      {t('oversightDesk.anomalies.noteHint', { n: MIN_NOTE })}
                    </p>
                    <button
                      type="button"
                      className="btn btn-primary"
                      disabled={note.trim().length < MIN_NOTE}
                      onClick={() => void resolve(f)}
                      data-testid="flag-resolve"
                    >
                      {(outcomes[f.id] ?? 'confirmed') === 'dismissed'
                        ? t('oversightDesk.anomalies.dismissButton')
                        : t('oversightDesk.anomalies.resolveButton')}
                    </button>
                  </fieldset>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {cursor ? (
        <button type="button" className="btn" onClick={() => void load(cursor)}>
          {t('oversightDesk.audit.more')}
        </button>
      ) : null}
    </section>
  );
}
