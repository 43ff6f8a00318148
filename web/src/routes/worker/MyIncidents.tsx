import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { mapLimit } from '../../api/concurrency.ts';
import { actOnIncident, getIncident, type Incident, type IncidentAction } from '../../api/incidents.ts';
import { getAllMyTasks } from '../../api/tasks.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { nameIn, useLanguage } from '../../i18n/format.ts';
import { flush, isNetworkError, loadQueue, saveQueue, send, type Conflict, type QueuedAction } from './task-queue.ts';
import { photoDataUrl } from './photo.ts';

/** The steps of the closed loop that belong to the assignee. */
const ASSIGNEE_STEPS = ['accept', 'feedback', 'return', 'request_extension'] as const;
type Step = (typeof ASSIGNEE_STEPS)[number];
type OpenForm = { id: string; step: Exclude<Step, 'accept'> } | null;

/**
 * Incidents dispatched to me, with the assignee's steps: accept, feedback with the result (and an on-site photo),
 * return (回退) and request more time (延期). Steps go through the phone's queue when offline; a photo needs a
 * connection and is sent at once.
 */
export function MyIncidents() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [incidents, setIncidents] = useState<Incident[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [queue, setQueue] = useState<QueuedAction[]>(() => loadQueue());
  const [conflicts, setConflicts] = useState<Conflict[]>([]);
  const [form, setForm] = useState<OpenForm>(null);

  const reload = useCallback(async () => {
    try {
      const tasks = await getAllMyTasks({ kind: 'incident_handling', status: 'active' });
      const ids = [...new Set(tasks.map((x) => x.subject.id))];
      const list = await mapLimit(ids, 4, (id) => getIncident(id));
      setIncidents(list.sort((a, b) => Date.parse(a.dueAt ?? a.reportedAt) - Date.parse(b.dueAt ?? b.reportedAt)));
      setError(null);
    } catch (e) {
      // Offline: keep showing what we have.
      if (!isNetworkError(e)) setError(e);
    }
  }, []);

  const sync = useCallback(async () => {
    if (loadQueue().length === 0) return;
    const r = await flush();
    setQueue(loadQueue());
    const mine = r.conflicts.filter((c) => c.action.action === 'incident');
    if (mine.length) setConflicts((c) => [...c, ...mine]);
    if (r.synced || r.conflicts.length) await reload();
  }, [reload]);

  useEffect(() => {
    void reload().then(sync);
    const online = () => void sync();
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, [reload, sync]);

  const act = async (incident: Incident, step: IncidentAction) => {
    const a: QueuedAction = {
      id: crypto.randomUUID(),
      taskId: incident.id,
      action: 'incident',
      step,
      queuedAt: new Date().toISOString(),
    };
    setForm(null);
    const queueIt = () => {
      const q = [...loadQueue(), a];
      saveQueue(q);
      setQueue(q);
    };
    // Anything already queued goes first, so steps reach the server in the order they were taken.
    if (!navigator.onLine || loadQueue().length > 0) return queueIt();
    try {
      await send(a);
      await reload();
    } catch (e) {
      if (isNetworkError(e)) queueIt();
      else setConflicts((c) => [...c, { action: a, message: e instanceof Error ? e.message : String(e) }]);
    }
  };

  const queuedSteps = (id: string) => queue.filter((q) => q.action === 'incident' && q.taskId === id);

  return (
    <section className="card" aria-labelledby="my-incidents-title" data-testid="my-incidents">
      <h2 id="my-incidents-title">{t('workerOps.incidents.title')}</h2>
      <ProblemAlert error={error} />
      {conflicts.length > 0 ? (
        <div role="alert" className="problem" data-testid="incident-conflicts">
          <strong>{t('workerOps.incidents.conflicts')}</strong>
          <ul>
            {conflicts.map((c) => (
              <li key={c.action.id}>
                {t(`workerOps.step.${(c.action.step?.type ?? 'accept') as Step}`)} · <span lang="en">{c.message}</span>
              </li>
            ))}
          </ul>
          <button type="button" className="btn btn-small" onClick={() => setConflicts([])}>
            {t('worker.queue.dismiss')}
          </button>
        </div>
      ) : null}
      {incidents === null ? (
        error ? null : (
          <p className="loading">{t('common.loading')}</p>
        )
      ) : incidents.length === 0 ? (
        <p className="muted">{t('workerOps.incidents.none')}</p>
      ) : (
        <ol className="task-list">
          {incidents.map((i) => {
            const pending = queuedSteps(i.id);
            const pendingTypes = pending.map((p) => p.step?.type);
            const finished = pendingTypes.some((s) => s === 'feedback' || s === 'return');
            // What the server allows in this stage, for the assignee; a queued accept already counts.
            const allowed = new Set<string>(
              finished
                ? []
                : pendingTypes.includes('accept')
                  ? ['feedback', 'return', 'request_extension']
                  : i.allowedActions.filter((a) => (ASSIGNEE_STEPS as readonly string[]).includes(a)),
            );
            if (i.pendingExtension || pendingTypes.includes('request_extension')) allowed.delete('request_extension');
            return (
              <li key={i.id} className="task incident" data-incident={i.id} data-stage={i.stage}>
                <h3>{nameIn(i.category, lang)}</h3>
                <p className={i.overdue ? 'overdue' : 'muted'}>
                  {nameIn(i.stageLabel, lang)}
                  {i.dueAt ? ` · ${t('workerOps.incidents.due', { time: formatTime(i.dueAt, lang) })}` : ''}
                  {i.overdue ? ` · ${t('worker.task.overdue')}` : ''} · {t('worker.task.grid', { code: i.gridCode })}
                </p>
                <p className="incident-description">{i.description}</p>
                {i.address ? <p className="small">{i.address}</p> : null}
                <p className="small muted">
                  {t('workerOps.incidents.reported', { time: formatTime(i.reportedAt, lang) })}
                  {i.photos.length ? ` · ${t('workerOps.incidents.photos', { count: i.photos.length })}` : ''}
                </p>
                {i.pendingExtension ? (
                  <p className="queue-note small">{t('workerOps.incidents.extensionPending')}</p>
                ) : null}
                {pending.length > 0 ? (
                  <p className="queue-note small" data-testid="incident-queued">
                    {t('worker.queue.thisTask', { count: pending.length })}
                  </p>
                ) : null}
                {form?.id === i.id ? (
                  form.step === 'feedback' ? (
                    <FeedbackForm
                      onCancel={() => setForm(null)}
                      onSubmit={(result) => act(i, { type: 'feedback', reason: result })}
                      onSubmitWithPhoto={async (result, data) => {
                        await actOnIncident(i.id, { type: 'feedback', reason: result, photos: [{ data }] });
                        setForm(null);
                        await reload();
                      }}
                    />
                  ) : form.step === 'return' ? (
                    <ReasonForm
                      step="return"
                      onCancel={() => setForm(null)}
                      onSubmit={(reason) => act(i, { type: 'return', reason })}
                    />
                  ) : (
                    <ExtensionForm
                      onCancel={() => setForm(null)}
                      onSubmit={(extension, reason) => act(i, { type: 'request_extension', extension, reason })}
                    />
                  )
                ) : allowed.size > 0 ? (
                  <div className="task-actions">
                    {allowed.has('accept') ? (
                      <button type="button" className="btn" onClick={() => void act(i, { type: 'accept' })}>
                        {t('workerOps.step.accept')}
                      </button>
                    ) : null}
                    {allowed.has('feedback') ? (
                      <button
                        type="button"
                        className="btn btn-primary"
                        onClick={() => setForm({ id: i.id, step: 'feedback' })}
                      >
                        {t('workerOps.step.feedback')}
                      </button>
                    ) : null}
                    {allowed.has('return') ? (
                      <button type="button" className="btn" onClick={() => setForm({ id: i.id, step: 'return' })}>
                        {t('workerOps.step.return')}
                      </button>
                    ) : null}
                    {allowed.has('request_extension') ? (
                      <button
                        type="button"
                        className="btn"
                        onClick={() => setForm({ id: i.id, step: 'request_extension' })}
                      >
                        {t('workerOps.step.request_extension')}
                      </button>
                    ) : null}
                  </div>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

/**
 * The result of the handling, with an optional on-site photo. With a photo the step is sent at once (a photo is too
 * large for the phone's queue and needs a connection); without one it goes through the queue like every step.
 */
function FeedbackForm({
  onSubmit,
  onSubmitWithPhoto,
  onCancel,
}: {
  onSubmit(result: string): Promise<void>;
  onSubmitWithPhoto(result: string, photoDataUrl: string): Promise<void>;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const [result, setResult] = useState('');
  const [photo, setPhoto] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [offline, setOffline] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setOffline(false);
    const text = result.trim();
    if (photo) {
      // Steps still waiting in the queue must reach the server first; the photo step waits for them.
      if (!navigator.onLine || loadQueue().length > 0) return setOffline(true);
      setBusy(true);
      try {
        await onSubmitWithPhoto(text, await photoDataUrl(photo));
      } catch (err) {
        setBusy(false);
        if (isNetworkError(err)) return setOffline(true);
        return setError(err);
      }
      return;
    }
    await onSubmit(text);
  };

  return (
    <form className="task-form" onSubmit={(e) => void submit(e)} data-testid="feedback-form">
      <label className="field">
        {t('workerOps.feedback.result')}
        <textarea
          name="result"
          rows={3}
          required
          minLength={2}
          value={result}
          onChange={(e) => setResult(e.target.value)}
        />
      </label>
      <label className="field">
        {t('workerOps.feedback.photo')}
        <input
          type="file"
          name="photo"
          accept="image/jpeg,image/png,image/webp"
          capture="environment"
          onChange={(e) => setPhoto(e.target.files?.[0] ?? null)}
        />
      </label>
      <p className="small muted">{t('workerOps.feedback.photoOnline')}</p>
      {offline ? (
        <p role="alert" className="problem" data-testid="photo-offline">
          {t('workerOps.feedback.offline')}
        </p>
      ) : null}
      <ProblemAlert error={error} />
      <div className="task-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? t('workerOps.feedback.sending') : t('workerOps.feedback.submit')}
        </button>
        <button type="button" className="btn btn-quiet" onClick={onCancel}>
          {t('workerOps.cancel')}
        </button>
      </div>
    </form>
  );
}

function ReasonForm({
  step,
  onSubmit,
  onCancel,
}: {
  step: 'return';
  onSubmit(reason: string): Promise<void>;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  return (
    <form
      className="task-form"
      data-testid={`${step}-form`}
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit(reason.trim());
      }}
    >
      <p className="small">{t('workerOps.return.explain')}</p>
      <label className="field">
        {t('workerOps.reason')}
        <textarea
          name="reason"
          rows={2}
          required
          minLength={2}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      <div className="task-actions">
        <button type="submit" className="btn btn-primary">
          {t('workerOps.step.return')}
        </button>
        <button type="button" className="btn btn-quiet" onClick={onCancel}>
          {t('workerOps.cancel')}
        </button>
      </div>
    </form>
  );
}

function ExtensionForm({
  onSubmit,
  onCancel,
}: {
  onSubmit(extension: { amount: number; unit: 'hours' | 'days' }, reason: string): Promise<void>;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const [amount, setAmount] = useState('1');
  const [unit, setUnit] = useState<'hours' | 'days'>('days');
  const [reason, setReason] = useState('');
  return (
    <form
      className="task-form"
      data-testid="extension-form"
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit({ amount: Number(amount), unit }, reason.trim());
      }}
    >
      <p className="small">{t('workerOps.extension.explain')}</p>
      <div className="extension-amount">
        <label className="field">
          {t('workerOps.extension.amount')}
          <input
            type="number"
            name="amount"
            min="0.5"
            step="0.5"
            required
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
        </label>
        <label className="field">
          {t('workerOps.extension.unit')}
          <select name="unit" value={unit} onChange={(e) => setUnit(e.target.value as 'hours' | 'days')}>
            <option value="hours">{t('workerOps.extension.hours')}</option>
            <option value="days">{t('workerOps.extension.days')}</option>
          </select>
        </label>
      </div>
      <label className="field">
        {t('workerOps.reason')}
        <textarea
          name="reason"
          rows={2}
          required
          minLength={2}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      <div className="task-actions">
        <button type="submit" className="btn btn-primary">
          {t('workerOps.step.request_extension')}
        </button>
        <button type="button" className="btn btn-quiet" onClick={onCancel}>
          {t('workerOps.cancel')}
        </button>
      </div>
    </form>
  );
}
