import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  getMyReports,
  getReport,
  photoUrl,
  type IncidentDetail,
  type IncidentPhoto,
  type IncidentSummary,
} from '../../api/incident-reports.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { useLanguage } from '../../i18n/format.ts';

const FINISHED = ['closed', 'evaluated', 'rejected'];

/** My reports, newest first: where each stands, by when the current step is due, and what I was told. */
export function ReportIncidentList({ version }: { version: number }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [items, setItems] = useState<IncidentSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<string | null>(null);

  useEffect(() => {
    const ac = new AbortController();
    getMyReports(ac.signal).then(
      (r) => {
        setItems(r.items);
        setError(null);
      },
      (e: unknown) => !ac.signal.aborted && setError(e),
    );
    return () => ac.abort();
  }, [version]);

  return (
    <section className="card my-reports" aria-labelledby="my-reports-title" data-testid="my-reports">
      <h2 id="my-reports-title">{t('residentExtra.reports.title')}</h2>
      <ProblemAlert error={error} />
      {items === null ? (
        error ? null : (
          <p className="loading">{t('residentExtra.reports.loading')}</p>
        )
      ) : items.length === 0 ? (
        <p className="muted">{t('residentExtra.reports.none')}</p>
      ) : (
        <ul className="report-list">
          {items.map((r) => (
            <li key={r.id} data-testid="my-report" data-id={r.id} data-stage={r.stage}>
              <div className="report-head">
                <strong>{r.category[lang]}</strong>
                <span className={`stage-badge stage-${FINISHED.includes(r.stage) ? 'done' : 'open'}`}>
                  {r.stageLabel[lang]}
                </span>
                {r.overdue ? (
                  <span className="stage-badge stage-overdue">{t('residentExtra.reports.overdue')}</span>
                ) : null}
              </div>
              <p className="muted small">
                {t('residentExtra.reports.reported', { at: formatTime(r.reportedAt, lang) })}
                {r.dueAt && !FINISHED.includes(r.stage)
                  ? ` · ${t('residentExtra.reports.due', { at: formatTime(r.dueAt, lang) })}`
                  : ''}
              </p>
              <button
                type="button"
                className="btn btn-small"
                aria-expanded={open === r.id}
                aria-controls={`report-${r.id}`}
                onClick={() => setOpen(open === r.id ? null : r.id)}
              >
                {open === r.id ? t('residentExtra.reports.hide') : t('residentExtra.reports.show')}
              </button>
              {open === r.id ? <ReportDetail id={r.id} /> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ReportDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [detail, setDetail] = useState<IncidentDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const ac = new AbortController();
    getReport(id, ac.signal).then(setDetail, (e: unknown) => !ac.signal.aborted && setError(e));
    return () => ac.abort();
  }, [id]);
  return (
    <div id={`report-${id}`} className="report-detail" data-testid="report-detail">
      <ProblemAlert error={error} />
      {detail ? (
        <>
          <p className="report-description">{detail.description}</p>
          <dl className="facts">
            {detail.address ? (
              <>
                <dt>{t('residentExtra.reports.address')}</dt>
                <dd>{detail.address}</dd>
              </>
            ) : null}
            <dt>{t('residentExtra.reports.grid')}</dt>
            <dd className="mono">{detail.gridCode}</dd>
            <dt>{t('residentExtra.reports.supporters')}</dt>
            <dd>{detail.supporters}</dd>
            {detail.publicNote ? (
              <>
                <dt>{t('residentExtra.reports.feedback')}</dt>
                <dd data-testid="report-feedback">{detail.publicNote}</dd>
              </>
            ) : null}
          </dl>
          {detail.photos.length > 0 ? (
            <ul className="photo-previews" data-testid="report-photos">
              {detail.photos.map((p) => (
                <li key={p.n}>
                  <StoredPhoto photo={p} alt={t('residentExtra.report.photoAlt', { n: p.n })} />
                </li>
              ))}
            </ul>
          ) : null}
          <h4>{t('residentExtra.reports.progress')}</h4>
          <ol className="timeline" data-testid="report-timeline">
            {detail.timeline.map((e) => (
              <li key={e.seq}>
                <time dateTime={e.at}>{formatTime(e.at, lang)}</time> {e.note[lang]}
              </li>
            ))}
          </ol>
        </>
      ) : error ? null : (
        <p className="loading">{t('residentExtra.reports.loading')}</p>
      )}
    </div>
  );
}

function StoredPhoto({ photo, alt }: { photo: IncidentPhoto; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    let url: string | null = null;
    photoUrl(photo, ac.signal).then(
      (u) => {
        url = u;
        setSrc(u);
      },
      () => {},
    );
    return () => {
      ac.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [photo]);
  return src ? <img src={src} alt={alt} data-testid="report-photo" /> : <span className="muted small">…</span>;
}
