import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { queryAudit, type AuditEntry, type AuditFilters } from '../../api/audit.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { useLanguage } from '../../i18n/format.ts';
import { labelOf } from '../../i18n/labels.ts';

// Common actions offered as suggestions; any action, or a prefix ending in *, may be typed.
const SUGGESTED_ACTIONS = [
  'resident.read',
  'household.read',
  'status.read',
  'facts.read',
  'fact.record',
  'override.*',
  'status.change',
  'audit.*',
  'anomaly.*',
  'export.*',
  'retention.*',
  'emergency.*',
  'auth.sign_in',
];

const emptyForm = { actor: '', subject: '', action: '', from: '', to: '' };

/** A local date-time from the form, as an ISO instant with offset for the API. */
const toIso = (local: string): string | undefined => (local ? new Date(local).toISOString() : undefined);

export function AuditLog() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const ids = { actor: useId(), subject: useId(), action: useId(), from: useId(), to: useId(), list: useId() };
  const [form, setForm] = useState(emptyForm);
  const [filters, setFilters] = useState<AuditFilters | null>(null);
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const run = async (f: AuditFilters, after: string | undefined) => {
    setPending(true);
    setError(null);
    try {
      const page = await queryAudit(f, after);
      setItems((prev) => (after ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor);
      setFilters(f);
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const f: AuditFilters = {
      actor: form.actor.trim() || undefined,
      subject: form.subject.trim() || undefined,
      action: form.action.trim() || undefined,
      from: toIso(form.from),
      to: toIso(form.to),
    };
    void run(f, undefined);
  };

  const set = (k: keyof typeof emptyForm) => (e: { target: { value: string } }) =>
    setForm((x) => ({ ...x, [k]: e.target.value }));

  return (
    <section className="card" aria-labelledby="audit-title" data-testid="audit-log">
      <h2 id="audit-title">{t('oversightDesk.audit.title')}</h2>
      <p className="muted">{t('oversightDesk.audit.explain')}</p>
      <form className="filters" onSubmit={submit} role="search" aria-labelledby="audit-title">
        <div className="field">
          <label htmlFor={ids.action}>{t('oversightDesk.audit.action')}</label>
          <input
            id={ids.action}
            name="action"
            type="text"
            list={ids.list}
            value={form.action}
            onChange={set('action')}
            placeholder="resident.read"
            autoComplete="off"
            spellCheck={false}
          />
          <datalist id={ids.list}>
            {SUGGESTED_ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor={ids.actor}>{t('oversightDesk.audit.actor')}</label>
          <input
            id={ids.actor}
            name="actor"
            type="text"
            value={form.actor}
            onChange={set('actor')}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.subject}>{t('oversightDesk.audit.subject')}</label>
          <input
            id={ids.subject}
            name="subject"
            type="text"
            value={form.subject}
            onChange={set('subject')}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.from}>{t('oversightDesk.audit.from')}</label>
          <input id={ids.from} name="from" type="datetime-local" value={form.from} onChange={set('from')} />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>{t('oversightDesk.audit.to')}</label>
          <input id={ids.to} name="to" type="datetime-local" value={form.to} onChange={set('to')} />
        </div>
        <div className="field">
          <button type="submit" className="btn btn-primary" disabled={pending} data-testid="audit-search">
            {t('oversightDesk.audit.search')}
          </button>
        </div>
      </form>
      <p className="muted small">{t('oversightDesk.audit.audited')}</p>
      <ProblemAlert error={error} />
      {filters === null ? null : items.length === 0 ? (
        <p className="muted" role="status">
          {t('oversightDesk.audit.none')}
        </p>
      ) : (
        <>
          <p role="status" className="small">
            {t('oversightDesk.audit.shown', { count: items.length })}
          </p>
          <div className="table-wrap">
            <table className="data-table" data-testid="audit-results">
              <thead>
                <tr>
                  <th scope="col">{t('oversightDesk.audit.seq')}</th>
                  <th scope="col">{t('oversightDesk.audit.at')}</th>
                  <th scope="col">{t('oversightDesk.audit.actor')}</th>
                  <th scope="col">{t('oversightDesk.audit.action')}</th>
                  <th scope="col">{t('oversightDesk.audit.subject')}</th>
                  <th scope="col">{t('oversightDesk.audit.purpose')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((e) => (
                  <tr key={e.seq} data-seq={e.seq} data-action={e.action}>
                    <td>{e.seq}</td>
                    <td>{formatTime(e.at, lang)}</td>
                    <td>
                      {e.actor.role ? labelOf('roles', e.actor.role) : labelOf('oversightDesk.actorKind', e.actor.kind)}
                      {e.actor.id ? (
                        <>
                          <br />
                          <code className="hash">{e.actor.id}</code>
                        </>
                      ) : null}
                    </td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td>
                      {e.subject.kind}
                      {e.subject.id ? (
                        <>
                          <br />
                          <code className="hash">{e.subject.id}</code>
                        </>
                      ) : null}
                    </td>
                    <td data-testid="audit-purpose">
                      {e.purpose ? labelOf('oversightDesk.purpose', e.purpose) : t('oversightDesk.audit.noPurpose')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {cursor ? (
            <button
              type="button"
              className="btn"
              disabled={pending}
              onClick={() => filters && void run(filters, cursor)}
              data-testid="audit-more"
            >
              {t('oversightDesk.audit.more')}
            </button>
          ) : (
            <p className="muted small">{t('oversightDesk.audit.end')}</p>
          )}
        </>
      )}
    </section>
  );
}
