import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { listRuleSets, type Condition, type NumberOrParam, type RuleSet } from '../../api/rule-sets.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { useLanguage } from '../../i18n/format.ts';
import { labelOf } from '../../i18n/labels.ts';
import { useLoad } from './useLoad.ts';

/** Which version is in force now for each rule-set id: the latest whose effective time has passed. */
function inForce(sets: readonly RuleSet[], now: number): Set<string> {
  const best = new Map<string, RuleSet>();
  for (const s of sets) {
    if (Date.parse(s.effectiveFrom) > now) continue;
    const b = best.get(s.id);
    if (!b || s.version > b.version) best.set(s.id, s);
  }
  return new Set([...best.values()].map((s) => `${s.id}@${s.version}`));
}

/** The published, versioned rule sets, readable: what each rule matches, its color, period and release. */
export function RuleSets() {
  const { t } = useTranslation();
  const { data, error } = useLoad((signal) => listRuleSets(signal).then((r) => r.items), []);
  const sorted = [...(data ?? [])].sort((a, b) => a.id.localeCompare(b.id) || b.version - a.version);
  const current = inForce(sorted, Date.now());
  const [chosen, setChosen] = useState<string | null>(null);
  const shown =
    sorted.find((s) => `${s.id}@${s.version}` === chosen) ??
    sorted.find((s) => current.has(`${s.id}@${s.version}`)) ??
    sorted[0];
  const lang = useLanguage();
  return (
    <section className="card" aria-labelledby="hd-rules-title" data-testid="health-rules">
      <h2 id="hd-rules-title">{t('healthDesk.rules.title')}</h2>
      <p className="muted">{t('healthDesk.rules.explain')}</p>
      <ProblemAlert error={error} />
      {sorted.length > 0 ? (
        <div className="hd-table-wrap">
          <table className="hd-table" data-testid="ruleset-versions">
            <thead>
              <tr>
                <th scope="col">{t('healthDesk.rules.ruleSet')}</th>
                <th scope="col">{t('healthDesk.rules.version')}</th>
                <th scope="col">{t('healthDesk.rules.jurisdiction')}</th>
                <th scope="col">{t('healthDesk.rules.effective')}</th>
                <th scope="col">{t('healthDesk.rules.state')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('healthDesk.rules.read')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((s) => {
                const key = `${s.id}@${s.version}`;
                const future = Date.parse(s.effectiveFrom) > Date.now();
                return (
                  <tr key={key} data-ruleset={key}>
                    <th scope="row">
                      {s.title[lang]} <span className="mono small muted">{s.id}</span>
                    </th>
                    <td>{s.version}</td>
                    <td className="mono">{s.jurisdiction}</td>
                    <td>{formatTime(s.effectiveFrom, lang)}</td>
                    <td>
                      {current.has(key)
                        ? t('healthDesk.rules.inForce')
                        : future
                          ? t('healthDesk.rules.scheduled')
                          : t('healthDesk.rules.superseded')}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="btn btn-quiet btn-small"
                        aria-pressed={shown === s}
                        onClick={() => setChosen(key)}
                      >
                        {t('healthDesk.rules.read')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {shown ? <RuleSetView set={shown} /> : null}
    </section>
  );
}

function RuleSetView({ set }: { set: RuleSet }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const num = (v: NumberOrParam): string => {
    if (typeof v === 'number') return String(v);
    const p = set.parameters[v.param];
    return typeof p === 'number' ? String(p) : v.param;
  };
  const cond = (field: string, c: Condition | undefined): string | null => {
    if (!c) return null;
    const name = labelOf('healthDesk.rules.field', field);
    const val = (x: string | boolean) => labelOf('healthDesk.rules.value', String(x));
    if ('eq' in c) return `${name} = ${val(c.eq)}`;
    if ('in' in c) return `${name} ∈ {${c.in.map(val).join(', ')}}`;
    return `${name}: ${t('healthDesk.rules.anyOf')} ${c.includesAny.map(val).join(', ')}`;
  };
  const where = (w: Record<string, Condition | undefined>) =>
    Object.entries(w)
      .map(([k, c]) => cond(k, c))
      .filter(Boolean)
      .join('; ') || t('healthDesk.rules.anyFact');
  return (
    <article className="hd-ruleset" data-testid="ruleset-view" aria-labelledby="hd-ruleset-title">
      <h3 id="hd-ruleset-title">
        {set.title[lang]} · {t('healthDesk.rules.versionN', { version: set.version })}
      </h3>
      <p className="small muted">
        {t('healthDesk.rules.effectiveLine', { time: formatTime(set.effectiveFrom, lang), zone: set.timeZone })}
      </p>
      {set.description ? <p>{set.description[lang]}</p> : null}
      <div className="hd-table-wrap">
        <table className="hd-table">
          <thead>
            <tr>
              <th scope="col">{t('healthDesk.rules.rule')}</th>
              <th scope="col">{t('healthDesk.rules.when')}</th>
              <th scope="col">{t('healthDesk.rules.color')}</th>
              <th scope="col">{t('healthDesk.rules.period')}</th>
              <th scope="col">{t('healthDesk.rules.release')}</th>
              <th scope="col">{t('healthDesk.rules.explanation')}</th>
            </tr>
          </thead>
          <tbody>
            {set.rules.map((r) => (
              <tr key={r.id} data-rule={r.id}>
                <th scope="row" className="mono">
                  {r.id}
                </th>
                <td>
                  <strong>{labelOf('healthDesk.rules.kind', r.match.kind)}</strong>
                  <div className="small">{where(r.match.where)}</div>
                  {r.match.withinDays !== undefined ? (
                    <div className="small muted">
                      {t('healthDesk.rules.withinDays', { days: num(r.match.withinDays) })}
                    </div>
                  ) : null}
                </td>
                <td>
                  <span className={`hd-color hd-color-${r.color}`}>{t(`healthDesk.rules.colorName.${r.color}`)}</span>
                </td>
                <td>{t('healthDesk.rules.days', { days: num(r.periodDays) })}</td>
                <td className="small">
                  {r.release.negativePcr
                    ? t('healthDesk.rules.releasePcr', {
                        count: num(r.release.negativePcr.count),
                        hours: num(r.release.negativePcr.minHoursApart),
                      })
                    : t('healthDesk.rules.releasePeriod')}
                  {r.release.acceptIsolationCompleted ? ` ${t('healthDesk.rules.releaseIsolation')}` : ''}
                </td>
                <td>{r.explanation[lang]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {set.vaccinationMark ? (
        <p className="small">
          <strong>{t('healthDesk.rules.vaccinationMark')}</strong> ({set.vaccinationMark.id}):{' '}
          {set.vaccinationMark.explanation[lang]}
          {set.vaccinationMark.validForDays !== null
            ? ` · ${t('healthDesk.rules.validFor', { days: num(set.vaccinationMark.validForDays) })}`
            : ''}
        </p>
      ) : null}
      <h4>{t('healthDesk.rules.parameters')}</h4>
      <dl className="facts small">
        {Object.entries(set.parameters).map(([k, v]) => (
          <div key={k} className="hd-param">
            <dt className="mono">{k}</dt>
            <dd>
              {typeof v === 'number'
                ? v
                : Object.entries(v)
                    .map(([cat, m]) => `${cat}: ${m}`)
                    .join(', ')}
            </dd>
          </div>
        ))}
      </dl>
    </article>
  );
}
