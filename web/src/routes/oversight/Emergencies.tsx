import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  declareEmergency,
  endEmergency,
  listEmergencies,
  renewEmergency,
  type Emergency,
} from '../../api/emergencies.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { useLanguage } from '../../i18n/format.ts';

const MAX_DAYS = 90;
const localDate = (d: Date) => d.toISOString().slice(0, 10);
/** End dates are chosen as days; the declaration ends at the end of that day (UTC). */
const endOfDay = (day: string) => new Date(`${day}T23:59:59Z`).toISOString();

function DeclareForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const ids = { j: useId(), title: useId(), basis: useId(), end: useId() };
  const [jurisdictionId, setJ] = useState('');
  const [title, setTitle] = useState('');
  const [basis, setBasis] = useState('');
  const [end, setEnd] = useState(localDate(new Date(Date.now() + 30 * 86400_000)));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await declareEmergency({
        jurisdictionId: jurisdictionId.trim(),
        title: title.trim(),
        legalBasis: basis.trim(),
        startsAt: null,
        endsAt: endOfDay(end),
      });
      setTitle('');
      setBasis('');
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form" onSubmit={(e) => void submit(e)} aria-labelledby="declare-title">
      <h3 id="declare-title">{t('oversightDesk.emergencies.declare')}</h3>
      <div className="filters">
        <div className="field">
          <label htmlFor={ids.j}>{t('oversightDesk.emergencies.scope')}</label>
          <input id={ids.j} type="text" value={jurisdictionId} onChange={(e) => setJ(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor={ids.title}>{t('oversightDesk.emergencies.titleCol')}</label>
          <input id={ids.title} type="text" value={title} onChange={(e) => setTitle(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor={ids.end}>{t('oversightDesk.emergencies.endDate')}</label>
          <input
            id={ids.end}
            type="date"
            value={end}
            min={localDate(new Date())}
            max={localDate(new Date(Date.now() + MAX_DAYS * 86400_000))}
            onChange={(e) => setEnd(e.target.value)}
            required
          />
        </div>
      </div>
      <div className="field">
        <label htmlFor={ids.basis}>{t('oversightDesk.emergencies.legalBasis')}</label>
        <textarea id={ids.basis} rows={3} value={basis} onChange={(e) => setBasis(e.target.value)} required />
      </div>
      <p className="muted small">
        {t('oversightDesk.emergencies.maxDays', { n: MAX_DAYS })} {t('oversightDesk.emergencies.basisHint', { n: 20 })}
      </p>
      <ProblemAlert error={error} />
      <button
        type="submit"
        className="btn btn-primary"
        disabled={busy || !jurisdictionId.trim() || title.trim().length < 3 || basis.trim().length < 20 || !end}
      >
        {t('oversightDesk.emergencies.declareButton')}
      </button>
    </form>
  );
}

function ManageOne({ e, onDone }: { e: Emergency; onDone: () => void }) {
  const { t } = useTranslation();
  const ids = { basis: useId(), end: useId(), reason: useId() };
  const [basis, setBasis] = useState('');
  const [end, setEnd] = useState(localDate(new Date(Date.now() + 30 * 86400_000)));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <details>
      <summary>{t('oversightDesk.emergencies.manage')}</summary>
      <div className="filters">
        <div className="field">
          <label htmlFor={ids.basis}>{t('oversightDesk.emergencies.renewBasis')}</label>
          <textarea id={ids.basis} rows={2} value={basis} onChange={(x) => setBasis(x.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.end}>{t('oversightDesk.emergencies.endDate')}</label>
          <input id={ids.end} type="date" value={end} onChange={(x) => setEnd(x.target.value)} />
        </div>
        <div className="field">
          <button
            type="button"
            className="btn"
            disabled={busy || basis.trim().length < 20 || !end}
            onClick={() => void run(() => renewEmergency(e.id, { legalBasis: basis.trim(), endsAt: endOfDay(end) }))}
          >
            {t('oversightDesk.emergencies.renew')}
          </button>
        </div>
      </div>
      <div className="filters">
        <div className="field">
          <label htmlFor={ids.reason}>{t('oversightDesk.emergencies.endReason')}</label>
          <textarea id={ids.reason} rows={2} value={reason} onChange={(x) => setReason(x.target.value)} />
        </div>
        <div className="field">
          <button
            type="button"
            className="btn"
            disabled={busy || !reason.trim()}
            onClick={() => void run(() => endEmergency(e.id, reason.trim()))}
          >
            {t('oversightDesk.emergencies.end')}
          </button>
        </div>
      </div>
      <ProblemAlert error={error} />
    </details>
  );
}

/** Emergency declarations are public; administrators declare, renew and end them (the policy's emergency.declare). */
export function Emergencies({ canDeclare }: { canDeclare: boolean }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [items, setItems] = useState<Emergency[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      setItems((await listEmergencies(signal)).items);
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

  return (
    <section className="card" aria-labelledby="emergencies-title" data-testid="emergencies">
      <h2 id="emergencies-title">{t('oversightDesk.emergencies.title')}</h2>
      <p className="muted">
        {canDeclare ? t('oversightDesk.emergencies.explainAdmin') : t('oversightDesk.emergencies.readOnly')}
      </p>
      <ProblemAlert error={error} />
      {items === null ? (
        <p className="loading">{t('common.loading')}</p>
      ) : items.length === 0 ? (
        <p className="muted">{t('oversightDesk.emergencies.none')}</p>
      ) : (
        <ul className="stack-list">
          {items.map((e) => (
            <li key={e.id} className="flag" data-state={e.inForce ? 'open' : 'resolved'} data-emergency={e.id}>
              <h3>
                {e.title}{' '}
                <span className={`badge${e.inForce ? ' badge-high' : ''}`}>
                  {t(`oversightDesk.emergencies.states.${e.state}`)}
                </span>
              </h3>
              <dl className="facts">
                <dt>{t('oversightDesk.emergencies.scope')}</dt>
                <dd>{e.jurisdictionId}</dd>
                <dt>{t('oversightDesk.emergencies.period')}</dt>
                <dd>
                  {formatTime(e.startsAt, lang)} – {formatTime(e.endsAt, lang)}
                </dd>
                <dt>{t('oversightDesk.emergencies.legalBasis')}</dt>
                <dd>{e.legalBasis}</dd>
                {e.endedAt ? (
                  <>
                    <dt>{t('oversightDesk.emergencies.ended')}</dt>
                    <dd>
                      {formatTime(e.endedAt, lang)}
                      {e.endReason ? ` · ${e.endReason}` : ''}
                    </dd>
                  </>
                ) : null}
                {e.renews ? (
                  <>
                    <dt>{t('oversightDesk.emergencies.renews')}</dt>
                    <dd>
                      <code className="hash">{e.renews}</code>
                    </dd>
                  </>
                ) : null}
              </dl>
              {canDeclare && (e.state === 'in_force' || e.state === 'scheduled') ? (
                <ManageOne e={e} onDone={() => void load()} />
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {canDeclare ? <DeclareForm onDone={() => void load()} /> : null}
    </section>
  );
}
