import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { verifyCode } from '../../api/verify.ts';
import { CameraScanner } from '../../components/CameraScanner.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { ScreenTitle } from '../../components/ScreenTitle.tsx';
import { formatOf } from '../../verify-offline/envelope.ts';
import { verifyOffline } from '../../verify-offline/verify.ts';
import { TrustStatus } from './TrustStatus.tsx';
import { useOfflineTrust } from './useOfflineTrust.ts';
import { VerifyResult, type CheckedCode } from './VerifyResult.tsx';
import './checkpoint.css';

const isCheckable = (text: string) => text.startsWith('TSR1:') || text.startsWith('HC1:');

/** Line breaks from a paste or a scanner go; spaces stay, since a space is a Base45 character. */
const clean = (text: string) => text.replace(/^[\r\n\t]+|[\r\n\t]+$/g, '');

/**
 * The door check: scan (or type) a resident code or an EU DCC. Resident codes are verified on this device against
 * the cached signed trust list (signature, expiry on the device clock, key use), so the door keeps working without
 * a network; EU certificates, and every code before a trust list was ever cached, are checked by the server.
 */
export default function CheckpointHome() {
  const { t } = useTranslation();
  const trust = useOfflineTrust();
  const [scanning, setScanning] = useState(false);
  const [manual, setManual] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<CheckedCode | null>(null);

  const check = async (raw: string) => {
    const code = clean(raw);
    setBusy(true);
    setError(null);
    try {
      let cached = trust.cached;
      const format = formatOf(code);
      if (cached && format !== 'HC1') {
        let r = await verifyOffline(code, cached.trust, new Date());
        // A key rotated since the list was cached: fetch the newer list once, still verify here.
        if (!r.valid && r.error?.includes('unknown kid') && navigator.onLine) {
          const fresh = await trust.refresh();
          if (fresh) {
            cached = fresh;
            r = await verifyOffline(code, fresh.trust, new Date());
          }
        }
        setResult({
          ...r,
          source: { mode: 'offline', issuedAt: cached.issuedAt.toISOString(), version: cached.version },
        });
      } else {
        const r = await verifyCode(code);
        setResult({ ...r, source: { mode: 'online', reason: format === 'HC1' ? 'hc1' : 'noList' } });
      }
      setScanning(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (manual.trim()) void check(manual);
  };

  if (result) return <VerifyResult result={result} onNext={() => setResult(null)} />;
  return (
    <div className="screen mobile-screen" data-testid="screen-checkpoint">
      <ScreenTitle title={t('areas.checkpoint.title')} lead={t('checkpoint.lead')} />
      <TrustStatus state={trust} />
      <section className="card" aria-labelledby="scan-title">
        <h2 id="scan-title">{t('checkpoint.scan.title')}</h2>
        <p className="muted small">
          {trust.cached ? t('checkpointOffline.scan.offline') : t('checkpointOffline.scan.online')}
        </p>
        {scanning ? (
          <>
            <CameraScanner accept={isCheckable} onCode={(c) => void check(c)} />
            <button type="button" className="btn btn-block" onClick={() => setScanning(false)}>
              {t('camera.stop')}
            </button>
          </>
        ) : (
          <button
            type="button"
            className="btn btn-primary btn-block"
            disabled={trust.loading}
            onClick={() => setScanning(true)}
          >
            {t('checkpoint.scan.start')}
          </button>
        )}
        <form onSubmit={submit} className="manual-entry" data-testid="manual-entry">
          <label className="field">
            {t('checkpoint.scan.manual')}
            <textarea
              name="code"
              rows={3}
              value={manual}
              spellCheck={false}
              autoCapitalize="characters"
              onChange={(e) => setManual(e.target.value)}
            />
          </label>
          <button type="submit" className="btn btn-block" disabled={busy || trust.loading || !manual.trim()}>
            {busy ? t('checkpoint.scan.checking') : t('checkpoint.scan.check')}
          </button>
        </form>
        <ProblemAlert error={error} />
      </section>
    </div>
  );
}
