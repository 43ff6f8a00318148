import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { reportSymptoms, SYMPTOMS, type HealthStatus, type Symptom } from '../../api/me.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useLanguage } from '../../i18n/format.ts';

/** Daily symptom check-in: a self-reported fact; the rules may change my colour, and the answer says how. */
export function SymptomCheckIn({ onRecorded }: { onRecorded: () => void }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [picked, setPicked] = useState<Set<Symptom>>(new Set());
  const [onset, setOnset] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<HealthStatus | null>(null);

  const toggle = (s: Symptom) =>
    setPicked((prev) => {
      const next = new Set(prev);
      if (next.has(s)) next.delete(s);
      else next.add(s);
      return next;
    });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (picked.size === 0) return;
    setBusy(true);
    setError(null);
    try {
      const onsetAt = onset ? new Date(`${onset}T00:00:00`).toISOString() : null;
      const r = await reportSymptoms([...picked], onsetAt);
      setResult(r.status);
      setPicked(new Set());
      setOnset('');
      onRecorded();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="symptoms-title" data-testid="symptom-check-in">
      <h2 id="symptoms-title">{t('resident.symptoms.title')}</h2>
      <p className="muted">{t('resident.symptoms.explain')}</p>
      <form onSubmit={submit}>
        <fieldset className="symptom-list">
          <legend>{t('resident.symptoms.which')}</legend>
          {SYMPTOMS.map((s) => (
            <label key={s} className="check">
              <input type="checkbox" name="symptom" value={s} checked={picked.has(s)} onChange={() => toggle(s)} />
              {t(`symptom.${s}`)}
            </label>
          ))}
        </fieldset>
        <label className="field">
          {t('resident.symptoms.onset')}
          <input
            type="date"
            name="onset"
            value={onset}
            max={new Date().toISOString().slice(0, 10)}
            onChange={(e) => setOnset(e.target.value)}
          />
        </label>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || picked.size === 0}>
          {busy ? t('resident.symptoms.sending') : t('resident.symptoms.submit')}
        </button>
      </form>
      <ProblemAlert error={error} />
      {result ? (
        <p role="status" data-testid="symptoms-result">
          {t('resident.symptoms.recorded')} {result.summary[lang]}
        </p>
      ) : null}
    </section>
  );
}
