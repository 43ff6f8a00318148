import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { mapLimit } from '../../../api/concurrency.ts';
import {
  assignIncident,
  escalateIncident,
  gridWorkers,
  mayAssign,
  mayEscalate,
  mayPark,
  parkIncident,
  REASSIGNABLE,
  resumeIncident,
  type Worker,
} from '../../../api/dispatch.ts';
import { listIncidents, type IncidentSummary } from '../../../api/incidents.ts';
import { listTasks, reassignTask, type Task } from '../../../api/tasks.ts';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { formatTime } from '../../../i18n/datetime.ts';
import { nameIn, useLanguage } from '../../../i18n/format.ts';
import { labelOf } from '../../../i18n/labels.ts';
import { IncidentDetails } from './IncidentDetails.tsx';
import './dispatch.css';

type Filter = 'open' | 'overdue' | 'escalated';
type Form = { kind: 'assign' | 'escalate' | 'park' | 'reassignTask'; id: string } | null;
const FILTERS: readonly Filter[] = ['open', 'overdue', 'escalated'];

interface Props {
  /** The jurisdiction on the map (already checked to lie in the officer's scope). */
  jurisdictionId: string;
  /** A unit grid picked on the map narrows the lists to it. */
  gridCode: string | null;
  /** Bumped by the live feed on incident and task events. */
  refresh: number;
}

const ROWS = 100;
// Handling tasks are the incidents' own workflow, listed as incidents; visits and follow-ups are listed as tasks.
const isOwnTask = (t: Task) => t.kind !== 'incident_handling';

// Workers per grid for the session: the list shows who holds each item; the forms read them fresh.
const workerCache = new Map<string, Promise<Worker[]>>();
function cachedWorkers(code: string): Promise<Worker[]> {
  let p = workerCache.get(code);
  if (!p) {
    p = gridWorkers(code).catch((e: unknown) => {
      workerCache.delete(code);
      throw e;
    });
    workerCache.set(code, p);
  }
  return p;
}

/**
 * Open, overdue and escalated incidents and tasks in the area on the map, with the officer's dispatch steps: assign
 * to a grid worker of the item's grid (file + dispatch, or reassign), escalate to the next level up for supervision
 * (督办), and park on the problem ledger (挂账). Refreshed by the live feed, so a new report appears without reloading.
 */
export function DispatchPanel({ jurisdictionId, gridCode, refresh }: Props) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [filter, setFilter] = useState<Filter>('open');
  const [incidents, setIncidents] = useState<IncidentSummary[] | null>(null);
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [names, setNames] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState<Form>(null);
  const [done, setDone] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const [details, setDetails] = useState<string | null>(null);

  useEffect(() => {
    const ac = new AbortController();
    const where = gridCode ? { gridCode } : { jurisdictionId };
    // Live events arrive in bursts (a step writes an incident and its task event): coalesce them.
    const timer = setTimeout(() => {
      Promise.all([
        listIncidents(
          {
            ...where,
            stage: 'open',
            ...(filter === 'overdue' ? { overdue: true } : {}),
            ...(filter === 'escalated' ? { escalated: true } : {}),
            limit: ROWS,
          },
          ac.signal,
        ),
        // Tasks have no escalation of their own: the escalated view lists incidents only.
        filter === 'escalated'
          ? Promise.resolve({ items: [] as Task[] })
          : listTasks({ ...where, status: 'active', limit: ROWS }, ac.signal),
      ]).then(
        ([inc, tk]) => {
          setIncidents(inc.items);
          setTasks(tk.items.filter((x) => isOwnTask(x) && (filter === 'open' || x.overdue)));
          setError(null);
        },
        (e: unknown) => !ac.signal.aborted && setError(e),
      );
    }, 250);
    return () => {
      clearTimeout(timer);
      ac.abort();
    };
  }, [jurisdictionId, gridCode, filter, refresh, reloads]);

  // Names of the workers holding the listed items, from their grids.
  useEffect(() => {
    const codes = [...new Set([...(incidents ?? []), ...(tasks ?? [])].map((x) => x.gridCode))];
    let live = true;
    void mapLimit(codes, 3, (c) => cachedWorkers(c).catch(() => [] as Worker[])).then((lists) => {
      if (!live) return;
      const out: Record<string, string> = {};
      for (const w of lists.flat()) out[w.id] = w.displayName;
      setNames(out);
    });
    return () => {
      live = false;
    };
  }, [incidents, tasks]);

  const after = useCallback((message: string) => {
    setForm(null);
    setDone(message);
    setReloads((n) => n + 1);
  }, []);

  const holder = (id: string | null | undefined) =>
    id ? t('dispatch.assignedTo', { name: names[id] ?? t('dispatch.someone') }) : t('dispatch.unassigned');

  const count = (incidents?.length ?? 0) + (tasks?.length ?? 0);
  return (
    <section
      className="panel dispatch"
      aria-labelledby="dispatch-title"
      data-testid="dispatch-panel"
      aria-busy={incidents === null && !error}
    >
      <div className="panel-head">
        <h2 id="dispatch-title" className="panel-title">
          {t('dispatch.title')}
          {gridCode ? ` · ${t('dispatch.inGrid', { code: gridCode })}` : ''}
        </h2>
        <span className="tag" data-testid="dispatch-count">
          {incidents === null ? '…' : count}
        </span>
      </div>
      <div className="dispatch-filter" role="group" aria-label={t('dispatch.filter')}>
        {FILTERS.map((f) => (
          <button
            key={f}
            type="button"
            className={`btn btn-small ${filter === f ? 'btn-primary' : 'btn-quiet'}`}
            aria-pressed={filter === f}
            onClick={() => setFilter(f)}
            data-testid={`dispatch-filter-${f}`}
          >
            {t(`dispatch.filters.${f}`)}
          </button>
        ))}
      </div>
      <ProblemAlert error={error} />
      {done ? (
        <p role="status" className="dispatch-done" data-testid="dispatch-done">
          {done}
        </p>
      ) : null}
      {incidents !== null && count === 0 ? <p className="muted small">{t(`dispatch.empty.${filter}`)}</p> : null}
      {incidents && incidents.length > 0 ? (
        <>
          <h3 className="dispatch-sub">{t('dispatch.incidents')}</h3>
          <ol className="dispatch-list" aria-live="polite" data-testid="dispatch-incidents">
            {incidents.map((i) => (
              <li key={i.id} data-incident={i.id} data-stage={i.stage} data-overdue={i.overdue}>
                <div className="dispatch-row">
                  <strong>{nameIn(i.category, lang)}</strong>
                  <span className="tag">{nameIn(i.stageLabel, lang)}</span>
                  {i.overdue ? <span className="tag tag-overdue">{t('dispatch.overdue')}</span> : null}
                  {i.escalationLevel > 0 ? (
                    <span className="tag tag-escalated">{t('dispatch.level', { n: i.escalationLevel })}</span>
                  ) : null}
                </div>
                <p className="small muted">
                  {t('dispatch.grid', { code: i.gridCode })} ·{' '}
                  {i.dueAt ? t('dispatch.due', { time: formatTime(i.dueAt, lang) }) : t('dispatch.noClock')} ·{' '}
                  <span data-testid="dispatch-holder">{holder(i.assigneeId)}</span>
                </p>
                {details === i.id ? (
                  <IncidentDetails id={i.id} refresh={refresh + reloads} onChanged={() => setReloads((n) => n + 1)} />
                ) : null}
                {form?.id === i.id && form.kind === 'assign' ? (
                  <AssignForm
                    gridCode={i.gridCode}
                    current={i.assigneeId}
                    needsReason={(REASSIGNABLE as readonly string[]).includes(i.stage)}
                    onCancel={() => setForm(null)}
                    onSubmit={async (worker, reason) => {
                      await assignIncident(i, worker.id, reason);
                      after(t('dispatch.assigned', { name: worker.displayName }));
                    }}
                  />
                ) : form?.id === i.id && form.kind === 'escalate' ? (
                  <ReasonForm
                    kind="escalate"
                    onCancel={() => setForm(null)}
                    onSubmit={async (reason) => {
                      const done = await escalateIncident(i.id, reason);
                      const to = done.escalation?.jurisdictionPath.split('.').at(-1) ?? '';
                      after(t('dispatch.escalated', { code: to, n: done.escalation?.level ?? 1 }));
                    }}
                  />
                ) : form?.id === i.id && form.kind === 'park' ? (
                  <ReasonForm
                    kind="park"
                    onCancel={() => setForm(null)}
                    onSubmit={async (reason) => {
                      await parkIncident(i.id, reason);
                      after(t('dispatch.parked'));
                    }}
                  />
                ) : (
                  <div className="dispatch-actions">
                    <button
                      type="button"
                      className="btn btn-small btn-quiet"
                      aria-expanded={details === i.id}
                      onClick={() => setDetails((d) => (d === i.id ? null : i.id))}
                    >
                      {t('dispatch.details.toggle')}
                    </button>
                    {mayAssign(i.stage) ? (
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => setForm({ kind: 'assign', id: i.id })}
                      >
                        {i.assigneeId ? t('dispatch.reassign') : t('dispatch.assign')}
                      </button>
                    ) : null}
                    {i.stage === 'parked' ? (
                      <button
                        type="button"
                        className="btn btn-small btn-quiet"
                        onClick={() =>
                          void resumeIncident(i.id).then(
                            () => after(t('dispatch.resumed')),
                            (e: unknown) => setError(e),
                          )
                        }
                      >
                        {t('dispatch.resume')}
                      </button>
                    ) : null}
                    {mayEscalate(i.stage) ? (
                      <button
                        type="button"
                        className="btn btn-small btn-quiet"
                        onClick={() => setForm({ kind: 'escalate', id: i.id })}
                      >
                        {t('dispatch.escalate')}
                      </button>
                    ) : null}
                    {mayPark(i.stage) ? (
                      <button
                        type="button"
                        className="btn btn-small btn-quiet"
                        onClick={() => setForm({ kind: 'park', id: i.id })}
                      >
                        {t('dispatch.park')}
                      </button>
                    ) : null}
                  </div>
                )}
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {tasks && tasks.length > 0 ? (
        <>
          <h3 className="dispatch-sub">{t('dispatch.tasks')}</h3>
          <ol className="dispatch-list" data-testid="dispatch-tasks">
            {tasks.map((k) => (
              <li key={k.id} data-task={k.id} data-overdue={k.overdue}>
                <div className="dispatch-row">
                  <strong>{labelOf('worker.kind', k.kind)}</strong>
                  {k.overdue ? <span className="tag tag-overdue">{t('dispatch.overdue')}</span> : null}
                </div>
                <p className="small muted">
                  {t('dispatch.grid', { code: k.gridCode })} · {t('dispatch.due', { time: formatTime(k.dueAt, lang) })}{' '}
                  · {holder(k.assigneeId)}
                </p>
                {form?.id === k.id ? (
                  <AssignForm
                    gridCode={k.gridCode}
                    current={k.assigneeId ?? null}
                    needsReason
                    onCancel={() => setForm(null)}
                    onSubmit={async (worker, reason) => {
                      await reassignTask(k.id, { assigneeId: worker.id, reason: reason ?? '' });
                      after(t('dispatch.assigned', { name: worker.displayName }));
                    }}
                  />
                ) : (
                  <div className="dispatch-actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() => setForm({ kind: 'reassignTask', id: k.id })}
                    >
                      {t('dispatch.reassign')}
                    </button>
                  </div>
                )}
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}

function AssignForm({
  gridCode,
  current,
  needsReason,
  onSubmit,
  onCancel,
}: {
  gridCode: string;
  current: string | null;
  needsReason: boolean;
  onSubmit(worker: Worker, reason: string | undefined): Promise<void>;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const [workers, setWorkers] = useState<Worker[] | null>(null);
  const [choice, setChoice] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLSelectElement>(null);

  useEffect(() => {
    const ac = new AbortController();
    gridWorkers(gridCode, ac.signal).then(
      (ws) => {
        setWorkers(ws);
        setChoice(ws.find((w) => w.id !== current)?.id ?? '');
      },
      (e: unknown) => !ac.signal.aborted && setError(e),
    );
    return () => ac.abort();
  }, [gridCode, current]);
  useEffect(() => first.current?.focus(), [workers]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const w = workers?.find((x) => x.id === choice);
    if (!w) return;
    setBusy(true);
    try {
      await onSubmit(w, reason.trim() || undefined);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <form className="dispatch-form" onSubmit={(e) => void submit(e)} data-testid="assign-form">
      <ProblemAlert error={error} />
      {workers?.length === 0 ? <p className="muted small">{t('dispatch.noWorkers', { code: gridCode })}</p> : null}
      <label className="dispatch-field">
        {t('dispatch.worker', { code: gridCode })}
        <select
          ref={first}
          name="worker"
          value={choice}
          onChange={(e) => setChoice(e.target.value)}
          disabled={!workers || workers.length === 0}
          required
        >
          {(workers ?? []).map((w) => (
            <option key={w.id} value={w.id}>
              {w.displayName}
              {w.id === current ? ` (${t('dispatch.current')})` : ''}
            </option>
          ))}
        </select>
      </label>
      <label className="dispatch-field">
        {needsReason ? t('dispatch.reasonRequired') : t('dispatch.reasonOptional')}
        <textarea
          name="reason"
          rows={2}
          value={reason}
          required={needsReason}
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      <div className="dispatch-actions">
        <button type="submit" className="btn btn-small btn-primary" disabled={busy || !choice}>
          {t('dispatch.confirmAssign')}
        </button>
        <button type="button" className="btn btn-small btn-quiet" onClick={onCancel}>
          {t('dispatch.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The written reason for an escalation (督办) or for parking on the ledger (挂账); both stay on the record. */
function ReasonForm({
  kind,
  onSubmit,
  onCancel,
}: {
  kind: 'escalate' | 'park';
  onSubmit(reason: string): Promise<void>;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  // The form opens on the officer's request: put them in it.
  useEffect(() => box.current?.focus(), []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await onSubmit(reason.trim());
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <form className="dispatch-form" onSubmit={(e) => void submit(e)} data-testid={`${kind}-form`}>
      <p className="small">{t(kind === 'escalate' ? 'dispatch.escalateExplain' : 'dispatch.parkExplain')}</p>
      <ProblemAlert error={error} />
      <label className="dispatch-field">
        {t('dispatch.explanation')}
        <textarea
          name="reason"
          rows={3}
          required
          minLength={2}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          ref={box}
        />
      </label>
      <div className="dispatch-actions">
        <button type="submit" className="btn btn-small btn-primary" disabled={busy || reason.trim().length < 2}>
          {t(kind === 'escalate' ? 'dispatch.confirmEscalate' : 'dispatch.confirmPark')}
        </button>
        <button type="button" className="btn btn-small btn-quiet" onClick={onCancel}>
          {t('dispatch.cancel')}
        </button>
      </div>
    </form>
  );
}
