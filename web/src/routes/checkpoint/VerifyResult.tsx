import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Verification } from '../../api/verify.ts';
import { formatTime } from '../../i18n/datetime.ts';
import { useLanguage } from '../../i18n/format.ts';
import { labelOf } from '../../i18n/labels.ts';
import { ageOf } from './trust-age.ts';

/** Where a verdict came from: this device with the cached trust list, or the server (and why). */
export type VerdictSource =
  { mode: 'offline'; issuedAt: string; version: number } | { mode: 'online'; reason: 'noList' | 'hc1' };

export type CheckedCode = Omit<Verification, 'format'> & { format: string | null; source: VerdictSource };

/** Full-screen answer for the guard: colour (or certificate type), validity, issuer, expiry — never who it is. */
export function VerifyResult({ result, onNext }: { result: CheckedCode; onNext: () => void }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const next = useRef<HTMLButtonElement>(null);
  useEffect(() => next.current?.focus(), []);

  const tone = !result.valid ? 'invalid' : (result.color ?? 'certificate');
  const failed = Object.entries(result.checks)
    .filter(([, ok]) => ok === false)
    .map(([k]) => k);
  const expired = failed.includes('expiry') && /expired/.test(result.error ?? 'expired');
  const { source } = result;
  return (
    <div
      className={`verify-result tone-${tone}`}
      role="alert"
      data-testid="verify-result"
      data-valid={result.valid}
      data-color={result.color ?? ''}
      data-expired={expired}
      data-source={source.mode}
    >
      <p className="verify-headline">
        {result.valid
          ? result.color
            ? t(`color.${result.color}`)
            : t('checkpoint.result.certificate', { type: result.certificateType ?? result.format })
          : expired
            ? t('checkpoint.result.expired')
            : t('checkpoint.result.invalid')}
      </p>
      <dl className="verify-facts">
        <dt>{t('checkpoint.result.validity')}</dt>
        <dd>{result.valid ? t('checkpoint.result.valid') : t('checkpoint.result.notValid')}</dd>
        <dt>{t('checkpoint.result.format')}</dt>
        <dd>{result.format ?? '—'}</dd>
        {result.valid && result.vaccination ? (
          <>
            <dt>{t('checkpoint.result.vaccination')}</dt>
            <dd>{t('checkpoint.result.vaccinated')}</dd>
          </>
        ) : null}
        <dt>{t('checkpoint.result.issuer')}</dt>
        <dd>{result.issuer ?? '—'}</dd>
        <dt>{t('checkpoint.result.expires')}</dt>
        <dd>{result.expiresAt ? formatTime(result.expiresAt, lang) : '—'}</dd>
        {failed.length > 0 ? (
          <>
            <dt>{t('checkpoint.result.failedChecks')}</dt>
            <dd>{failed.map((k) => labelOf('checkpoint.check', k)).join(', ')}</dd>
          </>
        ) : null}
        <dt>{t('checkpointOffline.result.checkedBy')}</dt>
        <dd data-testid="verify-source">
          {source.mode === 'offline'
            ? t('checkpointOffline.result.offline', {
                age: ageOf(source.issuedAt, lang),
                version: source.version,
              })
            : source.reason === 'hc1'
              ? t('checkpointOffline.result.onlineHc1')
              : t('checkpointOffline.result.onlineNoList')}
        </dd>
      </dl>
      <button ref={next} type="button" className="btn btn-block verify-next" onClick={onNext}>
        {t('checkpoint.result.next')}
      </button>
    </div>
  );
}
