import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { latestCheckpoints, verifyChain, type ChainReport, type SignedCheckpoint } from '../../api/audit.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { formatNumber, useLanguage } from '../../i18n/format.ts';

/** Verifies the hash chain against the signed checkpoints on request, and lists the newest checkpoints. */
export function ChainStatus() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [report, setReport] = useState<ChainReport | null>(null);
  const [checkpoints, setCheckpoints] = useState<SignedCheckpoint[] | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const loadCheckpoints = (signal?: AbortSignal) =>
    latestCheckpoints(5, signal)
      .then(setCheckpoints)
      .catch((e: unknown) => {
        if (!signal?.aborted) setError(e);
      });

  useEffect(() => {
    const ac = new AbortController();
    void loadCheckpoints(ac.signal);
    return () => ac.abort();
  }, []);

  const verify = async () => {
    setPending(true);
    setError(null);
    try {
      setReport(await verifyChain());
      await loadCheckpoints();
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  };

  return (
    <section className="card" aria-labelledby="chain-title" data-testid="chain-status">
      <h2 id="chain-title">{t('oversightDesk.chain.title')}</h2>
      <p className="muted">{t('oversightDesk.chain.explain')}</p>
      <div className="row-actions">
        <button type="button" className="btn btn-primary" onClick={() => void verify()} disabled={pending}>
          {pending ? t('oversightDesk.chain.verifying') : t('oversightDesk.chain.verify')}
        </button>
      </div>
      <ProblemAlert error={error} />
      <div aria-live="polite">
        {report ? (
          <div data-testid="chain-result" data-ok={report.ok}>
            <p className={report.ok ? 'chain-ok' : 'chain-broken'}>
              {report.ok ? t('oversightDesk.chain.ok') : t('oversightDesk.chain.broken')}
            </p>
            <p>
              {t('oversightDesk.chain.summary', {
                entries: formatNumber(report.entries, lang),
                checkpoints: formatNumber(report.checkpoints.count, lang),
                ms: formatNumber(report.ms, lang),
                time: formatTime(report.verifiedAt, lang),
              })}
            </p>
            {report.finding || !report.ok ? (
              <p lang="en" className="problem-detail" data-testid="chain-finding">
                {report.finding ? `${report.finding.kind}: ` : ''}
                {report.message}
              </p>
            ) : null}
          </div>
        ) : (
          <p className="muted">{t('oversightDesk.chain.notYet')}</p>
        )}
      </div>
      <h3>{t('oversightDesk.chain.checkpoints')}</h3>
      {checkpoints === null ? null : checkpoints.length === 0 ? (
        <p className="muted">{t('oversightDesk.chain.noCheckpoints')}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" data-testid="checkpoints">
            <thead>
              <tr>
                <th scope="col">{t('oversightDesk.chain.seq')}</th>
                <th scope="col">{t('oversightDesk.chain.signedAt')}</th>
                <th scope="col">{t('oversightDesk.chain.headHash')}</th>
                <th scope="col">{t('oversightDesk.chain.key')}</th>
              </tr>
            </thead>
            <tbody>
              {checkpoints.map((c) => (
                <tr key={c.id}>
                  <td>{typeof c.statement.seq === 'number' ? formatNumber(c.statement.seq, lang) : '—'}</td>
                  <td>{c.statement.signedAt ? formatTime(c.statement.signedAt, lang) : '—'}</td>
                  <td>
                    <code className="hash">{c.statement.headHash ?? ''}</code>
                  </td>
                  <td>
                    <code className="hash">{String(c.statement.kid ?? '')}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
