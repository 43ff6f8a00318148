import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { listCases } from '../../api/cases.ts';
import {
  designateRiskArea,
  listRiskAreas,
  revokeRiskArea,
  type AreaKind,
  type RiskArea,
} from '../../api/risk-areas.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { shortId } from '../../components/TransmissionGraph.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { useLanguage } from '../../i18n/format.ts';
import { fromLocalInput, toLocalInput } from './format.ts';
import { useLoad } from './useLoad.ts';

/** Risk places and areas: what is designated now (public), designating one with its cases, and lifting one early. */
export function RiskAreas() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [all, setAll] = useState(false);
  const areas = useLoad((signal) => listRiskAreas(all, signal).then((r) => r.items), [all]);
  return (
    <>
      <section className="card" aria-labelledby="hd-risk-title" data-testid="health-risk-areas">
        <h2 id="hd-risk-title">{t('healthDesk.risk.title')}</h2>
        <p className="muted">{t('healthDesk.risk.explain')}</p>
        <label className="hd-check">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
          {t('healthDesk.risk.includeInactive')}
        </label>
        <ProblemAlert error={areas.error} />
        {areas.data === null ? null : areas.data.length === 0 ? (
          <p className="muted">{t('healthDesk.risk.none')}</p>
        ) : (
          <div className="hd-table-wrap">
            <table className="hd-table">
              <thead>
                <tr>
                  <th scope="col">{t('healthDesk.risk.area')}</th>
                  <th scope="col">{t('healthDesk.risk.kind')}</th>
                  <th scope="col">{t('healthDesk.risk.window')}</th>
                  <th scope="col">{t('healthDesk.risk.published')}</th>
                  <th scope="col">{t('healthDesk.risk.basis')}</th>
                  <th scope="col">{t('healthDesk.risk.reason')}</th>
                  <th scope="col">{t('healthDesk.risk.state')}</th>
                </tr>
              </thead>
              <tbody>
                {areas.data.map((a) => (
                  <RiskRow key={a.id} area={a} lang={lang} onChanged={areas.reload} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <DesignateForm onDone={areas.reload} />
    </>
  );
}

function RiskRow({ area: a, lang, onChanged }: { area: RiskArea; lang: 'en' | 'zh-CN'; onChanged: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const revoke = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await revokeRiskArea(a.id, note.trim());
      setError(null);
      setOpen(false);
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  const noteId = `revoke-${a.id}`;
  return (
    <tr data-risk-area={a.id}>
      <th scope="row">
        {lang === 'zh-CN' ? a.nameZh : a.nameEn}
        <div className="small muted mono">{a.areaId}</div>
      </th>
      <td>{t(`healthDesk.risk.kindName.${a.areaKind}`)}</td>
      <td>
        {t('healthDesk.risk.since', { time: formatTime(a.riskFrom, lang) })}
        <br />
        {t('healthDesk.risk.until', { time: formatTime(a.riskUntil, lang) })}
      </td>
      <td>{formatTime(a.expiresAt, lang)}</td>
      <td>
        {t('healthDesk.risk.cases', { count: a.basis.cases })}
        {a.basis.caseIds ? (
          <div className="small mono">{a.basis.caseIds.map((id) => shortId(id)).join(', ')}</div>
        ) : null}
      </td>
      <td>{a.note}</td>
      <td>
        <span className={`hd-badge ${a.active ? 'hd-badge-open' : 'hd-badge-closed'}`}>
          {a.active
            ? t('healthDesk.risk.active')
            : a.revokedAt
              ? t('healthDesk.risk.revoked')
              : t('healthDesk.risk.expired')}
        </span>
        {a.active ? (
          open ? (
            <form onSubmit={(e) => void revoke(e)} className="hd-stack">
              <label htmlFor={noteId}>{t('healthDesk.risk.revokeNote')}</label>
              <textarea id={noteId} rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
              <button type="submit" className="btn btn-small" disabled={note.trim().length < 5}>
                {t('healthDesk.risk.revokeConfirm')}
              </button>
              <ProblemAlert error={error} />
            </form>
          ) : (
            <button type="button" className="btn btn-quiet btn-small" onClick={() => setOpen(true)}>
              {t('healthDesk.risk.revoke')}
            </button>
          )
        ) : null}
      </td>
    </tr>
  );
}

function DesignateForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [kind, setKind] = useState<AreaKind>('grid');
  const [areaId, setAreaId] = useState('');
  // No default window: everyone who scanned in the area during it gets an exposure, so the officer sets it.
  const [from, setFrom] = useState('');
  const [until, setUntil] = useState('');
  const [expires, setExpires] = useState('');
  const [note, setNote] = useState('');
  const [caseIds, setCaseIds] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const cases = useLoad((signal) => listCases({ purpose: 'tracing', state: 'open' }, signal).then((r) => r.items), []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const r = await designateRiskArea({
        areaKind: kind,
        areaId: areaId.trim(),
        from: fromLocalInput(from),
        until: fromLocalInput(until),
        ...(expires ? { expiresAt: fromLocalInput(expires) } : {}),
        caseIds: [...caseIds],
        note: note.trim(),
      });
      setDone(t('healthDesk.risk.designated', { name: lang === 'zh-CN' ? r.nameZh : r.nameEn }));
      setError(null);
      setAreaId('');
      setNote('');
      setCaseIds(new Set());
      onDone();
    } catch (err) {
      setError(err);
      setDone(null);
    }
  };

  return (
    <section className="card" aria-labelledby="hd-designate-title">
      <h2 id="hd-designate-title">{t('healthDesk.risk.designateTitle')}</h2>
      <p className="muted small">{t('healthDesk.risk.designateExplain')}</p>
      <form className="hd-form" onSubmit={(e) => void submit(e)} data-testid="designate-form">
        <div className="hd-field">
          <label htmlFor="hd-area-kind">{t('healthDesk.risk.kind')}</label>
          <select id="hd-area-kind" value={kind} onChange={(e) => setKind(e.target.value as AreaKind)}>
            {(['grid', 'jurisdiction', 'place'] as const).map((k) => (
              <option key={k} value={k}>
                {t(`healthDesk.risk.kindName.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="hd-field">
          <label htmlFor="hd-area-id">{t(`healthDesk.risk.areaIdLabel.${kind}`)}</label>
          <input id="hd-area-id" value={areaId} onChange={(e) => setAreaId(e.target.value)} required />
        </div>
        <div className="hd-field">
          <label htmlFor="hd-from">{t('healthDesk.risk.from')}</label>
          <input
            id="hd-from"
            type="datetime-local"
            max={toLocalInput(new Date())}
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            required
          />
        </div>
        <div className="hd-field">
          <label htmlFor="hd-until">{t('healthDesk.risk.untilLabel')}</label>
          <input
            id="hd-until"
            type="datetime-local"
            value={until}
            onChange={(e) => setUntil(e.target.value)}
            required
          />
        </div>
        <div className="hd-field">
          <label htmlFor="hd-expires">{t('healthDesk.risk.expiresLabel')}</label>
          <input id="hd-expires" type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />
        </div>
        <fieldset className="hd-field hd-wide">
          <legend>{t('healthDesk.risk.citeCases')}</legend>
          <ProblemAlert error={cases.error} />
          {cases.data && cases.data.length === 0 ? <p className="muted small">{t('healthDesk.cases.none')}</p> : null}
          <div className="hd-case-picks">
            {(cases.data ?? []).slice(0, 100).map((c) => (
              <label key={c.id} className="hd-check">
                <input
                  type="checkbox"
                  value={c.id}
                  checked={caseIds.has(c.id)}
                  onChange={(e) =>
                    setCaseIds((s) => {
                      const n = new Set(s);
                      if (e.target.checked) n.add(c.id);
                      else n.delete(c.id);
                      return n;
                    })
                  }
                />
                <span className="mono">{t('healthDesk.graph.caseNode', { id: shortId(c.id) })}</span>
                <span className="small muted">
                  {c.gridCode} · {formatTime(c.specimenAt, lang)}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="hd-field hd-wide">
          <label htmlFor="hd-risk-note">{t('healthDesk.risk.reason')}</label>
          <textarea id="hd-risk-note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} required />
        </div>
        <div className="hd-wide">
          <button
            type="submit"
            className="btn btn-primary"
            disabled={!areaId.trim() || !from || !until || caseIds.size === 0 || note.trim().length < 3}
          >
            {t('healthDesk.risk.designate')}
          </button>
        </div>
      </form>
      {done ? (
        <p role="status" className="notice" data-testid="risk-designated">
          {done}
        </p>
      ) : null}
      <ProblemAlert error={error} />
    </section>
  );
}
