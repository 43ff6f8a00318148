import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { actOnIncident, getIncident, type Incident, type IncidentAction } from '../../../api/incidents.ts';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { formatTime } from '../../../i18n/datetime.ts';
import { useLanguage } from '../../../i18n/format.ts';
import { labelOf } from '../../../i18n/labels.ts';

const SHOWN_EVENTS = 6;

interface Extension {
  amount?: number;
  unit?: string;
  reason?: string;
}

/**
 * One incident read in full when the officer opens it: what was reported, the latest steps of its timeline, and
 * the officer's decisions it waits for — a request for more time (延期: approve or deny) and, once handled, the
 * verification (核查: close, or send back for rework).
 */
export function IncidentDetails({ id, refresh, onChanged }: { id: string; refresh: number; onChanged(): void }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [incident, setIncident] = useState<Incident | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [denying, setDenying] = useState<'deny_extension' | 'rework' | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const ac = new AbortController();
    getIncident(id, ac.signal).then(
      (i) => {
        setIncident(i);
        setError(null);
      },
      (e: unknown) => !ac.signal.aborted && setError(e),
    );
    return () => ac.abort();
  }, [id, refresh]);

  const step = async (action: IncidentAction) => {
    if (!incident) return;
    setBusy(true);
    try {
      setIncident(await actOnIncident(id, { ...action, expectedVersion: incident.version }));
      setDenying(null);
      setReason('');
      setError(null);
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const submitReason = (e: FormEvent) => {
    e.preventDefault();
    if (denying) void step({ type: denying, reason: reason.trim() });
  };

  if (!incident) return error ? <ProblemAlert error={error} /> : <p className="muted small">{t('common.loading')}</p>;
  const ext = incident.pendingExtension as Extension | null;
  const allowed = new Set(incident.allowedActions);
  return (
    <div className="incident-details" data-testid="incident-details">
      <p className="small">{incident.description}</p>
      {incident.address ? <p className="small muted">{incident.address}</p> : null}
      {incident.photos.length ? (
        <p className="small muted">{t('dispatch.details.photos', { count: incident.photos.length })}</p>
      ) : null}
      <ol className="incident-timeline" aria-label={t('dispatch.details.timeline')}>
        {incident.timeline.slice(-SHOWN_EVENTS).map((e, n) => (
          <li key={e.seq ?? n}>
            {e.at ? <time dateTime={e.at}>{formatTime(e.at, lang)}</time> : null}{' '}
            <strong>{labelOf('dispatch.event', e.type ?? '')}</strong>
            {e.actor?.name ? ` · ${e.actor.name}` : ''}
            {e.reason ? ` · ${e.reason}` : ''}
          </li>
        ))}
      </ol>
      <ProblemAlert error={error} />
      {ext && allowed.has('approve_extension') ? (
        <div className="dispatch-decision" data-testid="extension-request">
          <p className="small">
            {t('dispatch.details.extension', {
              amount: ext.amount ?? '?',
              unit: labelOf('dispatch.unit', ext.unit ?? ''),
              reason: ext.reason ?? '',
            })}
          </p>
          <div className="dispatch-actions">
            <button
              type="button"
              className="btn btn-small btn-primary"
              disabled={busy}
              onClick={() => void step({ type: 'approve_extension' })}
            >
              {t('dispatch.details.approve')}
            </button>
            <button
              type="button"
              className="btn btn-small btn-quiet"
              disabled={busy}
              onClick={() => setDenying('deny_extension')}
            >
              {t('dispatch.details.deny')}
            </button>
          </div>
        </div>
      ) : null}
      {incident.stage === 'handled' && allowed.has('close') ? (
        <div className="dispatch-decision" data-testid="verification">
          <p className="small">{t('dispatch.details.verify')}</p>
          <div className="dispatch-actions">
            <button
              type="button"
              className="btn btn-small btn-primary"
              disabled={busy}
              onClick={() => void step({ type: 'close' })}
            >
              {t('dispatch.details.close')}
            </button>
            <button
              type="button"
              className="btn btn-small btn-quiet"
              disabled={busy}
              onClick={() => setDenying('rework')}
            >
              {t('dispatch.details.rework')}
            </button>
          </div>
        </div>
      ) : null}
      {denying ? (
        <form className="dispatch-form" onSubmit={submitReason}>
          <label className="dispatch-field">
            {t('dispatch.reasonRequired')}
            <textarea
              name="reason"
              rows={2}
              required
              minLength={2}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
          <div className="dispatch-actions">
            <button type="submit" className="btn btn-small btn-primary" disabled={busy || reason.trim().length < 2}>
              {denying === 'rework' ? t('dispatch.details.rework') : t('dispatch.details.deny')}
            </button>
            <button type="button" className="btn btn-small btn-quiet" onClick={() => setDenying(null)}>
              {t('dispatch.cancel')}
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
