import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  recentLabResults,
  submitLabFile,
  type LabFormat,
  type LabReport,
  type RecentLabResult,
} from '../../api/lab-results.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { ScreenTitle } from '../../components/ScreenTitle.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { useLanguage } from '../../i18n/format.ts';
import { useSession } from '../../session/SessionContext.tsx';
import './lab.css';

/** 20 MB, as the server accepts. */
const MAX_BYTES = 20 * 1024 * 1024;

/** FHIR JSON starts with a brace; anything else is read as CSV. The file name decides when it says. */
export function guessFormat(name: string, text: string): LabFormat {
  if (/\.csv$/i.test(name)) return 'csv';
  if (/\.json$/i.test(name)) return 'fhir';
  return text.trimStart().startsWith('{') ? 'fhir' : 'csv';
}

export default function LabHome() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const token = useSession().session?.token ?? null;
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<LabFormat | 'auto'>('auto');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [report, setReport] = useState<{ name: string; format: LabFormat; report: LabReport } | null>(null);
  const [recent, setRecent] = useState<RecentLabResult[] | null>(null);
  const [recentError, setRecentError] = useState<unknown>(null);

  const loadRecent = useCallback(async (signal?: AbortSignal) => {
    try {
      setRecent((await recentLabResults(50, signal)).items);
      setRecentError(null);
    } catch (e) {
      if (!signal?.aborted) setRecentError(e);
    }
  }, []);
  useEffect(() => {
    const ac = new AbortController();
    void loadRecent(ac.signal);
    return () => ac.abort();
  }, [loadRecent]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    if (file.size > MAX_BYTES) {
      setError(new Error(t('labDesk.upload.tooLarge')));
      return;
    }
    setBusy(true);
    try {
      const text = await file.text();
      const f = format === 'auto' ? guessFormat(file.name, text) : format;
      const r = await submitLabFile(text, f, token);
      setReport({ name: file.name, format: f, report: r });
      setError(null);
      void loadRecent();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="screen desk-screen lab-desk" data-testid="screen-lab">
      <ScreenTitle title={t('areas.lab.title')} lead={t('lab.lead')} />
      <section className="card" aria-labelledby="lab-upload-title">
        <h2 id="lab-upload-title">{t('labDesk.upload.title')}</h2>
        <p className="muted">{t('labDesk.upload.explain')}</p>
        <form onSubmit={(e) => void submit(e)} className="lab-form" data-testid="lab-upload">
          <div className="lab-field">
            <label htmlFor="lab-file">{t('labDesk.upload.file')}</label>
            <input
              id="lab-file"
              name="file"
              type="file"
              accept=".json,.csv,application/json,application/fhir+json,text/csv"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </div>
          <fieldset className="lab-format">
            <legend>{t('labDesk.upload.format')}</legend>
            {(['auto', 'fhir', 'csv'] as const).map((f) => (
              <label key={f}>
                <input type="radio" name="format" value={f} checked={format === f} onChange={() => setFormat(f)} />
                {t(`labDesk.format.${f}`)}
              </label>
            ))}
          </fieldset>
          <div>
            <button type="submit" className="btn btn-primary" disabled={!file || busy}>
              {busy ? t('labDesk.upload.sending') : t('labDesk.upload.submit')}
            </button>
          </div>
        </form>
        <ProblemAlert error={error} />
        <details className="lab-help">
          <summary>{t('labDesk.help.title')}</summary>
          <p>{t('labDesk.help.fhir')}</p>
          <p>{t('labDesk.help.csv')}</p>
          <pre className="mono small">
            national_id,specimen_id,collected_at,result{'\n'}
            110101199003074514,SP-0001,2026-03-01T08:00:00+08:00,detected
          </pre>
        </details>
      </section>

      {report ? <ImportReport {...report} /> : null}

      <section className="card" aria-labelledby="lab-recent-title" data-testid="lab-recent">
        <h2 id="lab-recent-title">{t('labDesk.recent.title')}</h2>
        <p className="muted small">{t('labDesk.recent.explain')}</p>
        <ProblemAlert error={recentError} />
        {recent === null ? null : recent.length === 0 ? (
          <p className="muted">{t('labDesk.recent.none')}</p>
        ) : (
          <div className="lab-table-wrap">
            <table className="lab-table">
              <thead>
                <tr>
                  <th scope="col">{t('labDesk.recent.specimen')}</th>
                  <th scope="col">{t('labDesk.recent.result')}</th>
                  <th scope="col">{t('labDesk.recent.collected')}</th>
                  <th scope="col">{t('labDesk.recent.issued')}</th>
                  <th scope="col">{t('labDesk.recent.received')}</th>
                  <th scope="col">{t('labDesk.recent.state')}</th>
                </tr>
              </thead>
              <tbody>
                {recent.map((r) => (
                  <tr key={r.factId} data-specimen={r.specimenId}>
                    <th scope="row" className="mono">
                      {r.specimenId}
                    </th>
                    <td>{r.result ? t(`labDesk.result.${r.result}`) : '—'}</td>
                    <td>{r.specimenCollectedAt ? formatTime(r.specimenCollectedAt, lang) : '—'}</td>
                    <td>{formatTime(r.issuedAt, lang)}</td>
                    <td>{formatTime(r.recordedAt, lang)}</td>
                    <td>{r.withdrawn ? t('labDesk.recent.withdrawn') : t('labDesk.recent.inForce')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function ImportReport({ name, format, report }: { name: string; format: LabFormat; report: LabReport }) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="lab-report-title" data-testid="lab-report">
      <h2 id="lab-report-title">{t('labDesk.report.title')}</h2>
      <p className="muted">{t('labDesk.report.file', { name, format: t(`labDesk.format.${format}`) })}</p>
      <ul className="lab-counts" role="status">
        <li data-count="accepted">{t('labDesk.report.accepted', { count: report.accepted })}</li>
        <li data-count="duplicates">{t('labDesk.report.duplicates', { count: report.duplicates })}</li>
        <li data-count="rejected">{t('labDesk.report.rejected', { count: report.rejected })}</li>
        <li data-count="cases">{t('labDesk.report.casesOpened', { count: report.casesOpened })}</li>
      </ul>
      {report.rejected > 0 ? <p className="small">{t('labDesk.report.rejectedNote')}</p> : null}
      <div className="lab-table-wrap">
        <table className="lab-table">
          <thead>
            <tr>
              <th scope="col">{t('labDesk.report.record')}</th>
              <th scope="col">{t('labDesk.report.status')}</th>
              <th scope="col">{t('labDesk.report.result')}</th>
              <th scope="col">{t('labDesk.report.field')}</th>
              <th scope="col">{t('labDesk.report.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {report.records.map((r, i) => (
              <tr key={`${r.ref}-${i}`} data-ref={r.ref} data-status={r.status} className={`lab-row-${r.status}`}>
                <th scope="row" className="mono">
                  {r.ref}
                </th>
                <td>
                  <span className={`lab-badge lab-badge-${r.status}`}>{t(`labDesk.status.${r.status}`)}</span>
                </td>
                <td>{r.result ? t(`labDesk.result.${r.result}`) : '—'}</td>
                <td className="mono small">{r.field ?? ''}</td>
                <td lang="en">{r.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
