import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { verifyCode, type Verification } from '../../api/verify.ts';
import { CameraScanner } from '../../components/CameraScanner.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { ScreenTitle } from '../../components/ScreenTitle.tsx';
import { VerifyResult } from './VerifyResult.tsx';
import './checkpoint.css';

const isCheckable = (text: string) => text.startsWith('TSR1:') || text.startsWith('HC1:');

/**
 * The door check: scan (or type) a resident code or an EU DCC, the server checks signature, expiry and key use,
 * and the screen turns the code's colour. Verification is online: there is no offline mode on this screen yet.
 */
export default function CheckpointHome() {
  const { t } = useTranslation();
  const [scanning, setScanning] = useState(false);
  const [manual, setManual] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<Verification | null>(null);

  const check = async (code: string) => {
    setBusy(true);
    setError(null);
    try {
      setResult(await verifyCode(code.trim()));
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
      <section className="card" aria-labelledby="scan-title">
        <h2 id="scan-title">{t('checkpoint.scan.title')}</h2>
        <p className="muted small">{t('checkpoint.scan.online')}</p>
        {scanning ? (
          <>
            <CameraScanner accept={isCheckable} onCode={(c) => void check(c)} />
            <button type="button" className="btn btn-block" onClick={() => setScanning(false)}>
              {t('camera.stop')}
            </button>
          </>
        ) : (
          <button type="button" className="btn btn-primary btn-block" onClick={() => setScanning(true)}>
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
          <button type="submit" className="btn btn-block" disabled={busy || !manual.trim()}>
            {busy ? t('checkpoint.scan.checking') : t('checkpoint.scan.check')}
          </button>
        </form>
        <ProblemAlert error={error} />
      </section>
    </div>
  );
}
