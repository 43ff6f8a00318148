import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { caseGraph, closeCase, getCase, setCaseOnset, traceCase } from '../../api/cases.ts';
import { listExposures } from '../../api/exposures.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { shortId, TransmissionGraph } from '../../components/TransmissionGraph.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { useLanguage } from '../../i18n/format.ts';
import { Link } from '../../router.tsx';
import { ExposureTable } from './ExposureTable.tsx';
import { formatDate, fromLocalInput, toLocalInput } from './format.ts';
import { PurposeNote } from './PurposeNote.tsx';
import { useLoad } from './useLoad.ts';

/** One case: its dates and tracing state, the contacts its exposure search found, and its transmission graph. */
export function CaseDetail({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const kase = useLoad((signal) => getCase(caseId, 'tracing', signal), [caseId]);
  const contacts = useLoad(
    (signal) => listExposures({ purpose: 'tracing', caseId, limit: 5000 }, signal).then((r) => r.items),
    [caseId],
  );
  const graph = useLoad((signal) => caseGraph(caseId, 'tracing', signal), [caseId]);
  const [actionError, setActionError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [onset, setOnset] = useState('');
  const [closeNote, setCloseNote] = useState('');
  const c = kase.data;

  const act = async (run: () => Promise<unknown>, done: string) => {
    try {
      await run();
      setActionError(null);
      setMessage(done);
      kase.reload();
      contacts.reload();
      graph.reload();
    } catch (e) {
      setActionError(e);
    }
  };

  return (
    <>
      <section className="card" aria-labelledby="hd-case-title" data-testid="health-case">
        <p>
          <Link to="/health/cases">{t('healthDesk.cases.back')}</Link>
        </p>
        <h2 id="hd-case-title">{t('healthDesk.graph.caseNode', { id: shortId(caseId) })}</h2>
        <PurposeNote purpose="tracing" />
        <ProblemAlert error={kase.error} />
        {c ? (
          <>
            <dl className="facts">
              <dt>{t('healthDesk.cases.state')}</dt>
              <dd>
                <span className={`hd-badge hd-badge-${c.state}`} data-testid="case-state">
                  {t(`healthDesk.cases.stateName.${c.state}`)}
                </span>
                {c.closeNote ? ` · ${c.closeNote}` : ''}
              </dd>
              <dt>{t('healthDesk.cases.caseId')}</dt>
              <dd className="mono">{c.id}</dd>
              <dt>{t('healthDesk.cases.opened')}</dt>
              <dd>{formatTime(c.openedAt, lang)}</dd>
              <dt>{t('healthDesk.cases.specimen')}</dt>
              <dd>{formatTime(c.specimenAt, lang)}</dd>
              <dt>{t('healthDesk.cases.onset')}</dt>
              <dd>{c.onsetAt ? formatTime(c.onsetAt, lang) : t('healthDesk.cases.noOnset')}</dd>
              <dt>{t('healthDesk.cases.infectiousFrom')}</dt>
              <dd>{formatTime(c.infectiousFrom, lang)}</dd>
              <dt>{t('healthDesk.cases.traced')}</dt>
              <dd>{c.tracedAt ? formatTime(c.tracedAt, lang) : t('healthDesk.cases.notTraced')}</dd>
              <dt>{t('healthDesk.cases.outbreak')}</dt>
              <dd className="mono">{shortId(c.outbreakId)}</dd>
              {c.sourceCaseId ? (
                <>
                  <dt>{t('healthDesk.cases.source')}</dt>
                  <dd>
                    <Link to={`/health/cases/${c.sourceCaseId}`} className="mono">
                      {t('healthDesk.graph.caseNode', { id: shortId(c.sourceCaseId) })}
                    </Link>
                  </dd>
                </>
              ) : null}
            </dl>
            {message ? (
              <p role="status" className="notice">
                {message}
              </p>
            ) : null}
            <ProblemAlert error={actionError} />
            {c.state === 'open' ? (
              <div className="hd-case-actions">
                <button
                  type="button"
                  className="btn btn-quiet"
                  onClick={() => void act(() => traceCase(caseId), t('healthDesk.cases.traceDone'))}
                >
                  {t('healthDesk.cases.traceNow')}
                </button>
                <form
                  className="hd-inline-form"
                  onSubmit={(e) => {
                    e.preventDefault();
                    if (onset)
                      void act(() => setCaseOnset(caseId, fromLocalInput(onset)), t('healthDesk.cases.onsetDone'));
                  }}
                >
                  <label htmlFor="hd-onset">{t('healthDesk.cases.setOnset')}</label>
                  <input
                    id="hd-onset"
                    type="datetime-local"
                    value={onset}
                    max={toLocalInput(new Date())}
                    onChange={(e) => setOnset(e.target.value)}
                  />
                  <button type="submit" className="btn btn-quiet" disabled={!onset}>
                    {t('healthDesk.cases.saveOnset')}
                  </button>
                </form>
                <form
                  className="hd-inline-form"
                  onSubmit={(e) => {
                    e.preventDefault();
                    if (closeNote.trim().length >= 3)
                      void act(() => closeCase(caseId, closeNote.trim()), t('healthDesk.cases.closeDone'));
                  }}
                >
                  <label htmlFor="hd-close-note">{t('healthDesk.cases.closeNote')}</label>
                  <input
                    id="hd-close-note"
                    type="text"
                    value={closeNote}
                    onChange={(e) => setCloseNote(e.target.value)}
                  />
                  <button type="submit" className="btn btn-quiet" disabled={closeNote.trim().length < 3}>
                    {t('healthDesk.cases.close')}
                  </button>
                </form>
              </div>
            ) : null}
          </>
        ) : null}
      </section>
      <section className="card" aria-labelledby="hd-contacts-title">
        <h2 id="hd-contacts-title">{t('healthDesk.cases.contactsTitle')}</h2>
        <ProblemAlert error={contacts.error} />
        {contacts.data ? (
          <ExposureTable
            items={contacts.data}
            showCase={false}
            onDecided={() => {
              contacts.reload();
              graph.reload();
            }}
            testId="case-contacts"
          />
        ) : null}
      </section>
      <section className="card" aria-labelledby="hd-graph-title">
        <h2 id="hd-graph-title">{t('healthDesk.graph.title')}</h2>
        <p className="muted small">{t('healthDesk.graph.explain')}</p>
        <ProblemAlert error={graph.error} />
        {graph.data ? (
          <>
            <TransmissionGraph graph={graph.data} />
            {graph.data.clusters.length > 0 ? (
              <>
                <h3>{t('healthDesk.graph.clusters')}</h3>
                <ul className="hd-plain">
                  {graph.data.clusters.map((cl) => {
                    const p = graph.data!.places[cl.placeId];
                    return (
                      <li key={cl.placeId}>
                        <strong>{p ? (lang === 'zh-CN' ? p.nameZh : p.nameEn) : shortId(cl.placeId)}</strong>{' '}
                        {t('healthDesk.graph.clusterLine', {
                          cases: cl.caseIds.length,
                          contacts: cl.contacts,
                          from: formatDate(cl.firstAt, lang),
                          to: formatDate(cl.lastAt, lang),
                        })}
                        {cl.cluster ? ` · ${t('healthDesk.graph.isCluster')}` : ''}
                      </li>
                    );
                  })}
                </ul>
              </>
            ) : null}
          </>
        ) : null}
      </section>
    </>
  );
}
