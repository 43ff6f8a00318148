import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FOLLOW_UP_NEEDS, VISIT_OUTCOMES, type Task } from '../../api/tasks.ts';

type Need = (typeof FOLLOW_UP_NEEDS)[number];

/** The result form of a task, by its form name (see POST /tasks/{id}/complete). */
export function TaskForm({ task, onSubmit }: { task: Task; onSubmit: (result: Record<string, unknown>) => void }) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<string>(VISIT_OUTCOMES[0]);
  const [contacted, setContacted] = useState(true);
  const [needs, setNeeds] = useState<Need[]>([]);
  const [note, setNote] = useState('');
  const [text, setText] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = note.trim() ? { note: note.trim() } : {};
    if (task.form === 'quarantine_follow_up') onSubmit({ contacted, needs, ...n });
    else if (task.form === 'incident_feedback') onSubmit({ result: text.trim() });
    else onSubmit({ outcome, ...n });
  };
  const noteField = (
    <label className="field">
      {t('worker.task.note')}
      <textarea name="note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
    </label>
  );

  return (
    <form onSubmit={submit} className="task-form" data-testid="task-form">
      {task.form === 'quarantine_follow_up' ? (
        <>
          <label className="check">
            <input
              type="checkbox"
              name="contacted"
              checked={contacted}
              onChange={(e) => setContacted(e.target.checked)}
            />
            {t('worker.task.contacted')}
          </label>
          <fieldset className="needs">
            <legend>{t('worker.task.needs')}</legend>
            {FOLLOW_UP_NEEDS.map((need) => (
              <label key={need} className="check">
                <input
                  type="checkbox"
                  name="need"
                  value={need}
                  checked={needs.includes(need)}
                  onChange={(e) =>
                    setNeeds((prev) => (e.target.checked ? [...prev, need] : prev.filter((x) => x !== need)))
                  }
                />
                {t(`worker.need.${need}`)}
              </label>
            ))}
          </fieldset>
          {noteField}
        </>
      ) : task.form === 'incident_feedback' ? (
        <label className="field">
          {t('worker.task.result')}
          <textarea
            name="result"
            rows={3}
            required
            minLength={2}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
      ) : (
        <>
          <label className="field">
            {t('worker.task.outcome')}
            <select name="outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)}>
              {VISIT_OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {t(`worker.outcome.${o}`)}
                </option>
              ))}
            </select>
          </label>
          {noteField}
        </>
      )}
      <button type="submit" className="btn btn-primary btn-block">
        {t('worker.task.complete')}
      </button>
    </form>
  );
}
