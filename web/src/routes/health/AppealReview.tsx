import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  appealForReview,
  appealQueue,
  decideAppeal,
  type Appeal,
  type ContestedFact,
} from '../../api/appeal-review.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { shortId } from '../../components/TransmissionGraph.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { useLanguage } from '../../i18n/format.ts';
import { labelOf } from '../../i18n/labels.ts';
import { PurposeNote } from './PurposeNote.tsx';
import { useLoad } from './useLoad.ts';

/**
 * Open appeals assigned to me (or unassigned in my scope). The server refuses a reviewer who recorded, proposed or
 * approved a contested fact, and says so; that message is shown as it comes.
 */
export function AppealReview({ myId }: { myId: string }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const queue = useLoad((signal) => appealQueue(signal).then((r) => r.items), []);
  const [openId, setOpenId] = useState<string | null>(null);
  const [decided, setDecided] = useState<Record<string, Appeal>>({});
  return (
    <section className="card" aria-labelledby="hd-appeals-title" data-testid="health-appeals">
      <h2 id="hd-appeals-title">{t('healthDesk.appeals.title')}</h2>
      <p className="muted">{t('healthDesk.appeals.explain')}</p>
      <PurposeNote purpose="appeal_review" />
      <ProblemAlert error={queue.error} />
      {queue.data === null ? null : queue.data.length === 0 ? (
        <p className="muted">{t('healthDesk.appeals.none')}</p>
      ) : (
        <ul className="hd-list">
          {queue.data.map((a) => {
            const done = decided[a.id];
            return (
              <li key={a.id} data-appeal={a.id} className="hd-appeal">
                <p>
                  <strong>
                    {a.subject === 'fact'
                      ? t('healthDesk.appeals.aboutFact', { id: shortId(a.factId ?? '') })
                      : t('healthDesk.appeals.aboutStatus', {
                          color: a.status?.color ? labelOf('healthDesk.rules.colorName', a.status.color) : '—',
                        })}
                  </strong>{' '}
                  · <span className="mono">{shortId(a.personId)}</span>
                </p>
                <p className="small muted">
                  {t('healthDesk.appeals.filed', { time: formatTime(a.filedAt, lang) })}{' '}
                  <span className={a.overdue ? 'hd-overdue' : undefined}>
                    {t('healthDesk.appeals.deadline', { time: formatTime(a.deadlineAt, lang) })}
                    {a.overdue ? ` · ${t('healthDesk.appeals.overdue')}` : ''}
                  </span>{' '}
                  {a.reviewerId === myId
                    ? t('healthDesk.appeals.assignedToMe')
                    : a.reviewerId
                      ? ''
                      : t('healthDesk.appeals.unassigned')}
                </p>
                <blockquote className="hd-statement">{a.statement}</blockquote>
                {done ? (
                  <p role="status" className="notice" data-testid="appeal-decided">
                    {done.state === 'upheld' ? t('healthDesk.appeals.upheld') : t('healthDesk.appeals.rejected')}
                  </p>
                ) : openId === a.id ? (
                  <AppealDecision
                    id={a.id}
                    onDecided={(x) => {
                      setDecided((d) => ({ ...d, [a.id]: x }));
                      setOpenId(null);
                    }}
                  />
                ) : (
                  <button type="button" className="btn btn-quiet" onClick={() => setOpenId(a.id)}>
                    {t('healthDesk.appeals.review')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function factSummary(f: ContestedFact): string {
  const d = f.fact;
  const parts: string[] = [];
  for (const k of ['result', 'method', 'degree', 'target', 'reasonCode', 'doses', 'setting']) {
    if (d[k] !== undefined && d[k] !== null) parts.push(`${k}: ${String(d[k])}`);
  }
  if (Array.isArray(d.symptoms)) parts.push(`symptoms: ${d.symptoms.join(', ')}`);
  const p = f.provenance;
  if (typeof p.source === 'string') parts.push(`source: ${p.source}`);
  if (typeof p.specimenId === 'string') parts.push(`specimen: ${p.specimenId}`);
  return parts.join(' · ');
}

function AppealDecision({ id, onDecided }: { id: string; onDecided: (a: Appeal) => void }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const detail = useLoad((signal) => appealForReview(id, signal), [id]);
  const [decision, setDecision] = useState<'uphold' | 'reject'>('reject');
  const [reasons, setReasons] = useState('');
  const [withdraw, setWithdraw] = useState<ReadonlySet<string> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const a = detail.data;
  const live = a ? a.facts.filter((f) => !f.withdrawnAt) : [];
  const chosen = withdraw ?? new Set(live.map((f) => f.id));

  const submit = async () => {
    setBusy(true);
    try {
      const r = await decideAppeal(id, {
        decision,
        reasons: reasons.trim(),
        ...(decision === 'uphold' && a?.subject === 'status' ? { withdrawFactIds: [...chosen] } : {}),
      });
      setError(null);
      onDecided(r.appeal);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  if (detail.error) return <ProblemAlert error={detail.error} />;
  if (!a) return <p className="muted">{t('healthDesk.loading')}</p>;
  const reasonsId = `appeal-reasons-${id}`;
  return (
    <div className="hd-appeal-review" data-testid="appeal-review">
      <h3>{t('healthDesk.appeals.contested')}</h3>
      <ul className="hd-list">
        {a.facts.map((f) => (
          <li key={f.id} data-fact={f.id}>
            <strong>{labelOf('healthDesk.rules.kind', f.kind)}</strong> <span className="small">{factSummary(f)}</span>
            <div className="small muted">
              {t('healthDesk.appeals.factLine', {
                occurred: formatTime(f.occurredAt, lang),
                recorded: formatTime(f.recordedAt, lang),
                by: `${f.recorderRole ?? '—'} ${shortId(f.recordedBy)}`,
              })}
              {f.withdrawnAt ? ` · ${t('healthDesk.appeals.withdrawn')}` : ''}
            </div>
          </li>
        ))}
      </ul>
      <fieldset className="hd-segmented">
        <legend>{t('healthDesk.appeals.decision')}</legend>
        <label>
          <input
            type="radio"
            name={`decision-${id}`}
            checked={decision === 'uphold'}
            onChange={() => setDecision('uphold')}
          />
          {t('healthDesk.appeals.uphold')}
        </label>
        <label>
          <input
            type="radio"
            name={`decision-${id}`}
            checked={decision === 'reject'}
            onChange={() => setDecision('reject')}
          />
          {t('healthDesk.appeals.reject')}
        </label>
      </fieldset>
      {decision === 'uphold' && a.subject === 'status' && live.length > 0 ? (
        <fieldset className="hd-stack">
          <legend>{t('healthDesk.appeals.withdrawWhich')}</legend>
          {live.map((f) => (
            <label key={f.id} className="hd-check">
              <input
                type="checkbox"
                checked={chosen.has(f.id)}
                onChange={(e) => {
                  const n = new Set(chosen);
                  if (e.target.checked) n.add(f.id);
                  else n.delete(f.id);
                  setWithdraw(n);
                }}
              />
              {labelOf('healthDesk.rules.kind', f.kind)} <span className="mono small">{shortId(f.id)}</span>
            </label>
          ))}
        </fieldset>
      ) : null}
      <label htmlFor={reasonsId}>{t('healthDesk.appeals.reasons')}</label>
      <textarea id={reasonsId} rows={3} value={reasons} onChange={(e) => setReasons(e.target.value)} />
      <ProblemAlert error={error} />
      <div className="hd-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={
            busy || reasons.trim().length < 20 || (decision === 'uphold' && a.subject === 'status' && chosen.size === 0)
          }
          onClick={() => void submit()}
        >
          {t('healthDesk.appeals.submit')}
        </button>
      </div>
    </div>
  );
}
