import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  countersignCertificate,
  getCertificate,
  listCertificates,
  verifyCertificate,
  type CertificateSummary,
  type CertificateVerification,
  type SignedCertificate,
} from '../../api/certificates.ts';
import type { StaffPrincipal } from '../../api/types.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { formatNumber, useLanguage } from '../../i18n/format.ts';
import { labelOf } from '../../i18n/labels.ts';

function Check({ label, value }: { label: string; value: boolean | null }) {
  const { t } = useTranslation();
  return (
    <li>
      {label}:{' '}
      {value === null ? (
        <span className="muted">{t('oversightDesk.certificates.notChecked')}</span>
      ) : value ? (
        <span className="check-yes">{t('oversightDesk.certificates.pass')}</span>
      ) : (
        <span className="check-no">{t('oversightDesk.certificates.fail')}</span>
      )}
    </li>
  );
}

/** Deletion certificates: what was purged, the commitment and signatures; an auditor countersigns and verifies. */
export function Certificates({ me }: { me: StaffPrincipal }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [items, setItems] = useState<CertificateSummary[] | null>(null);
  const [open, setOpen] = useState<SignedCertificate | null>(null);
  const [check, setCheck] = useState<CertificateVerification | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      setItems((await listCertificates(signal)).items);
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

  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const view = (id: string) =>
    act(async () => {
      setCheck(null);
      setOpen(await getCertificate(id));
    });
  const countersign = (id: string) =>
    act(async () => {
      setOpen(await countersignCertificate(id));
      setCheck(null);
      await load();
    });
  const verify = (c: SignedCertificate) =>
    act(async () => {
      setCheck(await verifyCertificate(c));
    });

  const c = open?.certificate;
  return (
    <section className="card" aria-labelledby="certs-title" data-testid="certificates">
      <h2 id="certs-title">{t('oversightDesk.certificates.title')}</h2>
      <p className="muted">{t('oversightDesk.certificates.explain')}</p>
      <ProblemAlert error={error} />
      {items === null ? (
        <p className="loading">{t('common.loading')}</p>
      ) : items.length === 0 ? (
        <p className="muted">{t('oversightDesk.certificates.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" data-testid="certificate-list">
            <thead>
              <tr>
                <th scope="col">{t('oversightDesk.certificates.category')}</th>
                <th scope="col">{t('oversightDesk.certificates.count')}</th>
                <th scope="col">{t('oversightDesk.certificates.range')}</th>
                <th scope="col">{t('oversightDesk.certificates.issued')}</th>
                <th scope="col">{t('oversightDesk.certificates.countersigned')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('oversightDesk.certificates.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((x) => (
                <tr key={x.id} data-certificate={x.id} data-countersigned={x.countersigned}>
                  <td>{labelOf('oversightDesk.category', x.category)}</td>
                  <td>{formatNumber(x.count, lang)}</td>
                  <td>
                    {x.range.from ? formatTime(x.range.from, lang) : '—'} –{' '}
                    {x.range.to ? formatTime(x.range.to, lang) : '—'}
                  </td>
                  <td>{formatTime(x.issuedAt, lang)}</td>
                  <td>
                    {x.countersigned
                      ? t('oversightDesk.certificates.yesAt', {
                          time: x.countersignedAt ? formatTime(x.countersignedAt, lang) : '',
                        })
                      : t('oversightDesk.certificates.no')}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() => void view(x.id)}
                      disabled={busy}
                      aria-label={t('oversightDesk.certificates.viewOne', {
                        category: labelOf('oversightDesk.category', x.category),
                        time: formatTime(x.issuedAt, lang),
                      })}
                    >
                      {t('oversightDesk.certificates.view')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open && c ? (
        <div className="cert-detail" data-testid="certificate-detail" aria-live="polite">
          <h3>{t('oversightDesk.certificates.detail', { category: labelOf('oversightDesk.category', c.category) })}</h3>
          <dl className="facts">
            <dt>{t('oversightDesk.certificates.id')}</dt>
            <dd>
              <code className="hash">{c.id}</code>
            </dd>
            <dt>{t('oversightDesk.certificates.count')}</dt>
            <dd>{formatNumber(c.count, lang)}</dd>
            <dt>{t('oversightDesk.certificates.range')}</dt>
            <dd>
              {c.range.from ? formatTime(c.range.from, lang) : '—'} – {c.range.to ? formatTime(c.range.to, lang) : '—'}
            </dd>
            <dt>{t('oversightDesk.certificates.basis')}</dt>
            <dd lang="en">{c.basis}</dd>
            <dt>{t('oversightDesk.certificates.commitment')}</dt>
            <dd>
              <code className="hash">{c.commitment.root}</code>{' '}
              <span className="muted small">
                ({c.commitment.alg}, {t('oversightDesk.certificates.leaves', { n: c.commitment.leaves })})
              </span>
            </dd>
            <dt>{t('oversightDesk.certificates.signature')}</dt>
            <dd>
              <code className="hash">{open.signature}</code>{' '}
              <span className="muted small">{t('oversightDesk.certificates.kid', { kid: c.kid })}</span>
            </dd>
            <dt>{t('oversightDesk.certificates.countersignature')}</dt>
            <dd data-testid="countersignature">
              {open.countersignature ? (
                <>
                  {t('oversightDesk.certificates.countersignedBy', {
                    who: open.countersignature.statement.auditorId,
                    time: formatTime(open.countersignature.statement.at, lang),
                  })}
                  <br />
                  <code className="hash">{open.countersignature.signature}</code>
                </>
              ) : (
                t('oversightDesk.certificates.no')
              )}
            </dd>
          </dl>
          <div className="row-actions">
            {me.role === 'auditor' && !open.countersignature ? (
              <button
                type="button"
                className="btn btn-primary"
                onClick={() => void countersign(c.id)}
                disabled={busy}
                data-testid="countersign"
              >
                {t('oversightDesk.certificates.countersign')}
              </button>
            ) : null}
            <button
              type="button"
              className="btn"
              onClick={() => void verify(open)}
              disabled={busy}
              data-testid="verify-cert"
            >
              {t('oversightDesk.certificates.verify')}
            </button>
          </div>
          {check ? (
            <div role="status" data-testid="certificate-check" data-valid={check.valid}>
              <p className={check.valid ? 'chain-ok' : 'chain-broken'}>
                {check.valid ? t('oversightDesk.certificates.valid') : t('oversightDesk.certificates.invalid')}
              </p>
              <ul>
                <Check label={t('oversightDesk.certificates.checkShape')} value={check.checks.shape} />
                <Check label={t('oversightDesk.certificates.checkSignature')} value={check.checks.signature} />
                <Check
                  label={t('oversightDesk.certificates.checkCountersignature')}
                  value={check.checks.countersignature}
                />
                <Check label={t('oversightDesk.certificates.checkRegistered')} value={check.registered} />
                <Check label={t('oversightDesk.certificates.checkCommitment')} value={check.checks.commitment} />
              </ul>
              {check.problems.length > 0 ? (
                <ul lang="en" className="problem-detail">
                  {check.problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
