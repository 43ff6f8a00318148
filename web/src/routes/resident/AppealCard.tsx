import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fileAppeal, getMyAppeals, type MyAppeal } from '../../api/appeals.ts';
import type { Color, MyFact } from '../../api/me.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { useLanguage } from '../../i18n/format.ts';
import { labelOf } from '../../i18n/labels.ts';
import './resident-extra.css';

const MIN_STATEMENT = 10;

/**
 * Contest my current status or one health fact, with a statement; then my appeals with their reviewer,
 * deadline and outcome. `factId` preselects a fact (from "Appeal this" in my data).
 */
export function AppealCard({
  facts,
  color,
  factId,
  onPickFact,
  version,
  onDecided,
}: {
  facts: MyFact[];
  color: Color | null;
  factId: string | null;
  onPickFact: (id: string | null) => void;
  version: number;
  onDecided: () => void;
}) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const open = facts.filter((f) => !f.withdrawnAt);
  const [subject, setSubject] = useState<'status' | 'fact'>(color && color !== 'green' ? 'status' : 'fact');
  const [statement, setStatement] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [filed, setFiled] = useState<MyAppeal | null>(null);
  const [items, setItems] = useState<MyAppeal[] | null>(null);
  const [listError, setListError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    if (factId) setSubject('fact');
  }, [factId]);

  useEffect(() => {
    const ac = new AbortController();
    getMyAppeals(ac.signal).then(
      (r) => {
        setItems((prev) => {
          // A decision that arrived since the last load may have changed my status: let the code reload.
          if (prev && r.items.some((a) => a.state !== 'open' && prev.find((p) => p.id === a.id)?.state === 'open'))
            onDecided();
          return r.items;
        });
        setListError(null);
      },
      (e: unknown) => !ac.signal.aborted && setListError(e),
    );
    return () => ac.abort();
    // onDecided is deliberately not a dependency: a fresh closure each render would reload in a loop.
  }, [version, reload]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const input =
        subject === 'status'
          ? { subject, statement: statement.trim() }
          : { subject, factId: factId ?? '', statement: statement.trim() };
      setFiled(await fileAppeal(input));
      setStatement('');
      onPickFact(null);
      setReload((n) => n + 1);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const factLabel = (f: MyFact) =>
    `${formatTime(f.occurredAt, lang)} · ${labelOf('factKind', f.kind)}${
      f.provenance?.source ? ` · ${labelOf('factSource', f.provenance.source)}` : ''
    }`;
  const ready =
    !busy && statement.trim().length >= MIN_STATEMENT && (subject === 'status' ? color !== 'green' : !!factId);

  return (
    <div className="appeals" data-testid="appeals">
      <h3 id="appeal-title">{t('residentExtra.appeal.title')}</h3>
      <p className="muted small">{t('residentExtra.appeal.explain')}</p>
      <form className="appeal-form" onSubmit={submit} aria-labelledby="appeal-title" data-testid="appeal-form">
        <fieldset>
          <legend>{t('residentExtra.appeal.about')}</legend>
          <label className="check">
            <input
              type="radio"
              name="appeal-subject"
              value="status"
              checked={subject === 'status'}
              onChange={() => setSubject('status')}
            />
            {t('residentExtra.appeal.aboutStatus')}
            {color ? ` (${t(`color.${color}`)})` : ''}
          </label>
          <label className="check">
            <input
              type="radio"
              name="appeal-subject"
              value="fact"
              checked={subject === 'fact'}
              onChange={() => setSubject('fact')}
              disabled={open.length === 0}
            />
            {t('residentExtra.appeal.aboutFact')}
          </label>
        </fieldset>
        {subject === 'status' && color === 'green' ? (
          <p className="muted small">{t('residentExtra.appeal.greenNothing')}</p>
        ) : null}
        {subject === 'fact' ? (
          <label className="field">
            {t('residentExtra.appeal.fact')}
            <select name="factId" value={factId ?? ''} onChange={(e) => onPickFact(e.target.value || null)}>
              <option value="">{t('residentExtra.report.choose')}</option>
              {open.map((f) => (
                <option key={f.id} value={f.id}>
                  {factLabel(f)}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label className="field">
          {t('residentExtra.appeal.statement')}
          <textarea
            name="statement"
            rows={4}
            maxLength={4000}
            value={statement}
            aria-describedby="appeal-statement-hint"
            onChange={(e) => setStatement(e.target.value)}
          />
          <span id="appeal-statement-hint" className="muted small">
            {t('residentExtra.appeal.statementHint')}
          </span>
        </label>
        <button type="submit" className="btn btn-primary btn-block" disabled={!ready}>
          {busy ? t('residentExtra.appeal.sending') : t('residentExtra.appeal.submit')}
        </button>
      </form>
      <ProblemAlert error={error} />
      {filed ? (
        <p role="status" data-testid="appeal-filed">
          {t('residentExtra.appeal.filed', { deadline: formatTime(filed.deadlineAt, lang) })}
        </p>
      ) : null}

      <h3>{t('residentExtra.appeal.mine')}</h3>
      <ProblemAlert error={listError} />
      {items === null ? null : items.length === 0 ? (
        <p className="muted">{t('residentExtra.appeal.none')}</p>
      ) : (
        <ul className="appeal-list" data-testid="my-appeals">
          {items.map((a) => (
            <li key={a.id} data-testid="my-appeal" data-id={a.id} data-state={a.state}>
              <div className="report-head">
                <strong>{t(`residentExtra.appeal.subject.${a.subject}`)}</strong>
                <span className={`stage-badge outcome-${a.state}`}>{t(`residentExtra.appeal.state.${a.state}`)}</span>
                {a.overdue ? (
                  <span className="stage-badge stage-overdue">{t('residentExtra.appeal.overdue')}</span>
                ) : null}
              </div>
              <p className="appeal-statement">{a.statement}</p>
              <dl className="facts">
                <dt>{t('residentExtra.appeal.filedAt')}</dt>
                <dd>{formatTime(a.filedAt, lang)}</dd>
                <dt>{t('residentExtra.appeal.deadline')}</dt>
                <dd>{formatTime(a.deadlineAt, lang)}</dd>
                <dt>{t('residentExtra.appeal.reviewer')}</dt>
                <dd data-testid="appeal-reviewer">
                  {a.assignedAt
                    ? t('residentExtra.appeal.assigned', { at: formatTime(a.assignedAt, lang) })
                    : t('residentExtra.appeal.unassigned')}
                </dd>
                {a.status ? (
                  <>
                    <dt>{t('residentExtra.appeal.statusWas')}</dt>
                    <dd>{t(`color.${a.status.color}`)}</dd>
                  </>
                ) : null}
                {a.contestedFactIds.length > 0 ? (
                  <>
                    <dt>{t('residentExtra.appeal.contested')}</dt>
                    <dd>
                      {a.contestedFactIds
                        .map((id) => {
                          const f = facts.find((x) => x.id === id);
                          return f ? factLabel(f) : id;
                        })
                        .join('; ')}
                    </dd>
                  </>
                ) : null}
                {a.decidedAt ? (
                  <>
                    <dt>{t('residentExtra.appeal.decidedAt')}</dt>
                    <dd>{formatTime(a.decidedAt, lang)}</dd>
                    <dt>{t('residentExtra.appeal.reasons')}</dt>
                    <dd className="appeal-statement" data-testid="appeal-reasons">
                      {a.reasons}
                    </dd>
                  </>
                ) : null}
                {a.withdrawnFactIds.length > 0 ? (
                  <>
                    <dt>{t('residentExtra.appeal.withdrawn')}</dt>
                    <dd>{a.withdrawnFactIds.length}</dd>
                  </>
                ) : null}
              </dl>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
