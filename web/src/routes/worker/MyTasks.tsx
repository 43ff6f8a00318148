import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getMyTasks, type Task } from '../../api/tasks.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { useLanguage } from '../../i18n/format.ts';
import { labelOf } from '../../i18n/labels.ts';
import { flush, isNetworkError, loadQueue, saveQueue, send, type Conflict, type QueuedAction } from './task-queue.ts';
import { TaskForm } from './TaskForm.tsx';

/** My tasks by due time. Actions go straight to the server when it can be reached, else into the phone's queue. */
export function MyTasks() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [queue, setQueue] = useState<QueuedAction[]>(() => loadQueue());
  const [conflicts, setConflicts] = useState<Conflict[]>([]);
  const [openForm, setOpenForm] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      const r = await getMyTasks();
      // Incident handling is worked from the incident itself (MyIncidents), with its whole closed loop.
      setTasks(
        r.items.filter((x) => x.kind !== 'incident_handling').sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt)),
      );
      setError(null);
    } catch (e) {
      // Offline: keep showing the tasks we have.
      if (!isNetworkError(e)) setError(e);
    }
  }, []);

  const sync = useCallback(async () => {
    if (loadQueue().length === 0) return;
    const r = await flush();
    setQueue(loadQueue());
    // Refusals of incident steps are shown beside the incidents.
    const mine = r.conflicts.filter((c) => c.action.action !== 'incident');
    if (mine.length) setConflicts((c) => [...c, ...mine]);
    if (r.synced || r.conflicts.length) await reload();
  }, [reload]);

  useEffect(() => {
    void reload().then(sync);
    const online = () => void sync();
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, [reload, sync]);

  const act = async (task: Task, action: QueuedAction['action'], result?: Record<string, unknown>) => {
    const a: QueuedAction = {
      id: crypto.randomUUID(),
      taskId: task.id,
      action,
      ...(result ? { result } : {}),
      queuedAt: new Date().toISOString(),
    };
    setOpenForm(null);
    const queueIt = () => {
      const q = [...loadQueue(), a];
      saveQueue(q);
      setQueue(q);
    };
    // Anything already queued goes first, so actions reach the server in the order they were taken.
    if (!navigator.onLine || loadQueue().length > 0) return queueIt();
    try {
      await send(a);
      await reload();
    } catch (e) {
      if (isNetworkError(e)) queueIt();
      else setConflicts((c) => [...c, { action: a, message: e instanceof Error ? e.message : String(e) }]);
    }
  };

  const queuedFor = (id: string) => queue.filter((q) => q.taskId === id);
  return (
    <section className="card" aria-labelledby="tasks-title" data-testid="my-tasks">
      <h2 id="tasks-title">{t('worker.tasks.title')}</h2>
      <ProblemAlert error={error} />
      {queue.length > 0 ? (
        <p role="status" className="queue-note" data-testid="queue-note">
          {t('worker.queue.waiting', { count: queue.length })}
        </p>
      ) : null}
      {conflicts.length > 0 ? (
        <div role="alert" className="problem" data-testid="conflicts">
          <strong>{t('worker.queue.conflicts')}</strong>
          <ul>
            {conflicts.map((c) => (
              <li key={c.action.id}>
                {c.action.action === 'incident' ? null : t(`worker.action.${c.action.action}`)} ·{' '}
                <span lang="en">{c.message}</span>
              </li>
            ))}
          </ul>
          <button type="button" className="btn btn-small" onClick={() => setConflicts([])}>
            {t('worker.queue.dismiss')}
          </button>
        </div>
      ) : null}
      {tasks === null ? (
        error ? null : (
          <p className="loading">{t('common.loading')}</p>
        )
      ) : tasks.length === 0 ? (
        <p className="muted">{t('worker.tasks.none')}</p>
      ) : (
        <ol className="task-list">
          {tasks.map((task) => {
            const pending = queuedFor(task.id);
            const queuedComplete = pending.some((p) => p.action === 'complete');
            const accepted = task.status === 'accepted' || pending.some((p) => p.action === 'accept');
            return (
              <li key={task.id} className="task" data-task={task.id} data-status={task.status}>
                <h3>{labelOf('worker.kind', task.kind)}</h3>
                <p className={task.overdue ? 'overdue' : 'muted'}>
                  {t('worker.task.due', { time: formatTime(task.dueAt, lang) })}
                  {task.overdue ? ` · ${t('worker.task.overdue')}` : ''} ·{' '}
                  {t('worker.task.grid', { code: task.gridCode })}
                </p>
                {task.note ? <p className="small">{task.note}</p> : null}
                {pending.length > 0 ? (
                  <p className="queue-note small">{t('worker.queue.thisTask', { count: pending.length })}</p>
                ) : null}
                {queuedComplete ? null : openForm === task.id ? (
                  <TaskForm task={task} onSubmit={(r) => void act(task, 'complete', r)} />
                ) : (
                  <div className="task-actions">
                    {!accepted ? (
                      <button type="button" className="btn" onClick={() => void act(task, 'accept')}>
                        {t('worker.action.accept')}
                      </button>
                    ) : null}
                    <button type="button" className="btn btn-primary" onClick={() => setOpenForm(task.id)}>
                      {t('worker.task.fill')}
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
