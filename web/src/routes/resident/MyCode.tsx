import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getMyCode, type MyCode as Code } from '../../api/me.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { QrCanvas } from '../../components/QrCanvas.tsx';
import { useLanguage } from '../../i18n/format.ts';
import { formatTime } from '../../i18n/datetime.ts';

/** Retry delay after a failed fetch; a code still on screen stays valid until its own expiry. */
const RETRY_MS = 15_000;

/** My code: a QR drawn on the phone, framed in my colour, renewed at refreshAfter, with the reasons in words. */
export function MyCode({ version }: { version: number }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [code, setCode] = useState<Code | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const ac = new AbortController();
    let timer: number | undefined;
    getMyCode(ac.signal).then(
      (c) => {
        setCode(c);
        setError(null);
        const wait = Math.max(1_000, Date.parse(c.refreshAfter) - Date.now());
        timer = window.setTimeout(() => setTick((n) => n + 1), Math.min(wait, 2 ** 31 - 1));
      },
      (e: unknown) => {
        if (ac.signal.aborted) return;
        setError(e);
        timer = window.setTimeout(() => setTick((n) => n + 1), RETRY_MS);
      },
    );
    return () => {
      ac.abort();
      window.clearTimeout(timer);
    };
  }, [tick, version]);

  const status = code?.status;
  return (
    <section className="card my-code" aria-labelledby="code-title" data-testid="my-code">
      <h2 id="code-title">{t('resident.code.title')}</h2>
      <ProblemAlert error={error} />
      {code && status ? (
        <>
          <div
            className={`code-frame color-${status.color}${status.vaccinated ? ' vaccinated' : ''}`}
            data-color={status.color}
            data-vaccinated={status.vaccinated}
          >
            <p className="code-color">{t(`color.${status.color}`)}</p>
            <QrCanvas text={code.code} label={t('resident.code.qrLabel', { color: t(`color.${status.color}`) })} />
            {status.vaccinated ? <p className="vaccine-mark">{t('resident.code.vaccinated')}</p> : null}
          </div>
          <p className="code-summary" data-testid="code-summary">
            {status.summary[lang]}
          </p>
          {status.reasons.length > 0 ? (
            <>
              <h3>{t('resident.code.because')}</h3>
              <ul data-testid="code-reasons">
                {status.reasons.map((r) => (
                  <li key={`${r.ruleId}:${r.factIds.join(',')}`}>{r.text[lang]}</li>
                ))}
              </ul>
            </>
          ) : null}
          {status.clears ? (
            <p data-testid="code-clears">
              <strong>{t('resident.code.clears')}</strong> {status.clears.criteria[lang]}
            </p>
          ) : null}
          <p className="muted small">
            {t('resident.code.validUntil', { time: formatTime(code.expiresAt, lang) })}{' '}
            {t('resident.code.renews', { time: formatTime(code.refreshAfter, lang) })}
          </p>
        </>
      ) : error ? null : (
        <p className="loading">{t('resident.code.loading')}</p>
      )}
    </section>
  );
}
