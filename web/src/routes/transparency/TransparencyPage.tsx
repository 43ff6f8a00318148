import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getJurisdiction } from '../../api/geo.ts';
import {
  getTransparencyReport,
  type Color,
  type Count,
  type Published,
  type TransparencyReport,
} from '../../api/transparency.ts';
import type { Names } from '../../api/types.ts';
import { BarChart, type BarRow } from '../../components/charts/BarChart.tsx';
import { LineChart } from '../../components/charts/LineChart.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatTime } from '../../i18n/datetime.ts';
import { formatNumber, nameIn, useLanguage } from '../../i18n/format.ts';
import { labelOf } from '../../i18n/labels.ts';
import { Link } from '../../router.tsx';
import { useSession } from '../../session/SessionContext.tsx';
import './transparency.css';

const COLORS: readonly Color[] = ['green', 'yellow', 'red'];
export const COLOR_FILL: Record<Color, string> = { green: '#1a7f37', yellow: '#d4a72c', red: '#cf222e' };
const PERIODS = [30, 90, 365] as const;
const PALETTE = ['#0a58ca', '#8250df', '#1a7f37', '#bc4c00', '#6e7781', '#d4a72c', '#cf222e', '#116329'];

const dayLabel = (day: string, lang: string) =>
  new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  );

const sumPublished = (xs: readonly Count[]): Count => {
  const known = xs.filter((x): x is number => x !== null);
  return known.length === 0 && xs.length > 0 ? null : known.reduce((a, b) => a + b, 0);
};

/** The public transparency report: aggregates anyone can read without an account, in both languages. */
export default function TransparencyPage() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const { session } = useSession();
  const [days, setDays] = useState<number>(90);
  const [report, setReport] = useState<TransparencyReport | null>(null);
  const [names, setNames] = useState<Record<string, Names>>({});
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const ac = new AbortController();
    getTransparencyReport(days, ac.signal)
      .then((r) => {
        setReport(r);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!ac.signal.aborted) setError(e);
      });
    return () => ac.abort();
  }, [days]);

  // Districts (and emergency scopes) are named from the public jurisdiction directory.
  useEffect(() => {
    if (!report) return;
    const ac = new AbortController();
    const ids = new Set([
      ...report.statuses.current.map((c) => c.jurisdictionId),
      ...report.statuses.daily.map((c) => c.jurisdictionId),
      ...report.emergencies.map((e) => e.jurisdictionId),
      ...report.ruleSets.map((r) => r.jurisdiction),
    ]);
    void Promise.all(
      // Only jurisdiction codes are looked up (a rule set may name a wider scope that is no jurisdiction here).
      [...ids]
        .filter((id) => /^\d{2,20}$/.test(id))
        .map((id) =>
          getJurisdiction(id, ac.signal)
            .then((j) => [id, j.properties.name] as const)
            .catch(() => null),
        ),
    ).then((pairs) => {
      if (!ac.signal.aborted) setNames(Object.fromEntries(pairs.filter((p) => p !== null)));
    });
    return () => ac.abort();
  }, [report]);

  const fmt = (n: number) => formatNumber(n, lang);
  const withheld = t('oversightDesk.transparency.withheld');
  const jName = (id: string) => (names[id] ? nameIn(names[id], lang) : id);
  const pub = (n: Published) => (n.count === null ? withheld : fmt(n.count));

  const charts = useMemo(() => {
    if (!report) return null;
    const districts = [...new Set(report.statuses.current.map((c) => c.jurisdictionId))];
    const byDistrict: BarRow[] = districts.map((d) => ({
      key: d,
      label: d,
      segments: COLORS.map((c) => ({
        key: c,
        label: c,
        color: COLOR_FILL[c],
        // No row is a true zero; a row with a null count is withheld (a small count) and must be drawn as such.
        value: countOr0(report.statuses.current.find((x) => x.jurisdictionId === d && x.color === c)),
      })),
    }));
    const dayList = [...new Set(report.statuses.daily.map((d) => d.day))].sort();
    const overTime = COLORS.map((c) => ({
      color: c,
      values: dayList.map((day) =>
        sumPublished(report.statuses.daily.filter((x) => x.day === day && x.color === c).map((x) => x.count)),
      ),
    }));
    const factKinds = [...new Set(report.facts.map((f) => f.kind))];
    const factSources = [...new Set(report.facts.map((f) => `${f.source ?? 'unknown'}|${f.withdrawn ? 'w' : 'a'}`))];
    return { districts, byDistrict, dayList, overTime, factKinds, factSources };
  }, [report]);

  return (
    <div className="screen desk-screen transparency" data-testid="screen-transparency">
      <div className="screen-title">
        <h1>{t('oversightDesk.transparency.title')}</h1>
        <p className="lead">{t('oversightDesk.transparency.lead')}</p>
        <p className="small">{session ? null : <Link to="/">{t('oversightDesk.transparency.signIn')}</Link>}</p>
      </div>
      <div className="transparency-controls" role="group" aria-label={t('oversightDesk.transparency.period')}>
        <span>{t('oversightDesk.transparency.period')}</span>
        {PERIODS.map((p) => (
          <button
            key={p}
            type="button"
            className={`btn btn-small${days === p ? ' btn-primary' : ''}`}
            aria-pressed={days === p}
            onClick={() => setDays(p)}
          >
            {t('oversightDesk.transparency.days', { count: p })}
          </button>
        ))}
      </div>
      <ProblemAlert error={error} />
      {!report || !charts ? (
        error ? null : (
          <p className="loading">{t('common.loading')}</p>
        )
      ) : (
        <>
          <p className="notice" data-testid="suppression-note">
            {t('oversightDesk.transparency.suppression', { n: report.suppression.smallCountsUpTo })}{' '}
            {t('oversightDesk.transparency.generated', { time: formatTime(report.generatedAt, lang) })}
          </p>

          <section className="card" aria-labelledby="tr-status">
            <h2 id="tr-status">{t('oversightDesk.transparency.statuses')}</h2>
            <div className="tr-charts">
              <BarChart
                testId="chart-status-district"
                title={t('oversightDesk.transparency.statusByDistrict')}
                rows={charts.byDistrict.map((r) => ({
                  ...r,
                  label: jName(r.key),
                  segments: r.segments.map((s) => ({ ...s, label: t(`color.${s.key as Color}`) })),
                }))}
                format={fmt}
                withheldLabel={withheld}
              />
              {charts.dayList.length > 0 ? (
                <LineChart
                  testId="chart-status-time"
                  title={t('oversightDesk.transparency.statusOverTime')}
                  xLabels={charts.dayList.map((d) => dayLabel(d, lang))}
                  series={charts.overTime.map((s) => ({
                    key: s.color,
                    label: t(`color.${s.color}`),
                    color: COLOR_FILL[s.color],
                    values: s.values,
                  }))}
                  format={fmt}
                  withheldLabel={withheld}
                />
              ) : (
                <p className="muted">{t('oversightDesk.transparency.noDaily')}</p>
              )}
            </div>
            <p className="muted small">{t('oversightDesk.transparency.sumNote')}</p>
          </section>

          <section className="card" aria-labelledby="tr-facts">
            <h2 id="tr-facts">{t('oversightDesk.transparency.facts')}</h2>
            {report.facts.length === 0 ? (
              <p className="muted">{t('oversightDesk.transparency.none')}</p>
            ) : (
              <BarChart
                testId="chart-facts"
                title={t('oversightDesk.transparency.factsByKind')}
                rows={charts.factKinds.map((k) => ({
                  key: k,
                  label: labelOf('factKind', k),
                  segments: charts.factSources.map((sw, i) => {
                    const [src, w] = sw.split('|') as [string, string];
                    const row = report.facts.find(
                      (f) => f.kind === k && (f.source ?? 'unknown') === src && f.withdrawn === (w === 'w'),
                    );
                    const srcLabel = labelOf('factSource', src);
                    return {
                      key: sw,
                      label: w === 'w' ? t('oversightDesk.transparency.withdrawn', { source: srcLabel }) : srcLabel,
                      color: PALETTE[i % PALETTE.length] ?? '#0a58ca',
                      value: row ? row.count : 0,
                    };
                  }),
                }))}
                format={fmt}
                withheldLabel={withheld}
              />
            )}
          </section>

          <div className="card-grid">
            <section className="card" aria-labelledby="tr-overrides">
              <h2 id="tr-overrides">{t('oversightDesk.transparency.overrides')}</h2>
              <BarChart
                testId="chart-overrides"
                title={t('oversightDesk.transparency.overridesByOutcome')}
                rows={(['approved', 'rejected', 'pending'] as const).map((k) => ({
                  key: k,
                  label: t(`oversightDesk.transparency.outcome.${k}`),
                  segments: [{ key: k, label: k, color: '#0a58ca', value: report.overrides[k].count }],
                }))}
                format={fmt}
                withheldLabel={withheld}
              />
              <p className="small" data-testid="overrides-proposed">
                {t('oversightDesk.transparency.proposed', { n: pub(report.overrides.proposed) })}
              </p>
              {Object.keys(report.overrides.byTarget).length > 0 ? (
                <p className="small">
                  {t('oversightDesk.transparency.byTarget')}{' '}
                  {Object.entries(report.overrides.byTarget)
                    .map(
                      ([k, v]) =>
                        `${k === 'clear' ? t('oversightDesk.transparency.clear') : t(`color.${k as Color}`)} ${pub(v)}`,
                    )
                    .join(' · ')}
                </p>
              ) : null}
            </section>

            <section className="card" aria-labelledby="tr-appeals">
              <h2 id="tr-appeals">{t('oversightDesk.transparency.appeals')}</h2>
              <BarChart
                testId="chart-appeals"
                title={t('oversightDesk.transparency.appealsByOutcome')}
                rows={(['filed', 'open', 'overdue', 'upheld', 'rejected', 'decidedAfterDeadline'] as const).map(
                  (k) => ({
                    key: k,
                    label: t(`oversightDesk.transparency.appeal.${k}`),
                    segments: [{ key: k, label: k, color: '#8250df', value: report.appeals[k].count }],
                  }),
                )}
                format={fmt}
                withheldLabel={withheld}
              />
              <p className="small">
                {report.appeals.medianHoursToDecision === null
                  ? t('oversightDesk.transparency.medianWithheld')
                  : t('oversightDesk.transparency.medianDecision', {
                      hours: formatNumber(report.appeals.medianHoursToDecision, lang, 1),
                    })}
              </p>
            </section>
          </div>

          <section className="card" aria-labelledby="tr-anomalies">
            <h2 id="tr-anomalies">{t('oversightDesk.transparency.anomalies')}</h2>
            {report.anomalies.byDetector.length === 0 ? (
              <p className="muted">{t('oversightDesk.transparency.noFlags')}</p>
            ) : (
              <BarChart
                testId="chart-anomalies"
                title={t('oversightDesk.transparency.flagsByDetector')}
                rows={report.anomalies.byDetector.map((d) => ({
                  key: d.detector,
                  label: labelOf('oversightDesk.detector', d.detector),
                  segments: [
                    { key: 'open', label: t('oversightDesk.transparency.open'), color: '#cf222e', value: d.open.count },
                    {
                      key: 'resolved',
                      label: t('oversightDesk.transparency.resolved'),
                      color: '#1a7f37',
                      value: d.resolved.count,
                    },
                  ],
                }))}
                format={fmt}
                withheldLabel={withheld}
              />
            )}
            <p className="small">
              {report.anomalies.medianHoursToResolution === null
                ? t('oversightDesk.transparency.medianWithheld')
                : t('oversightDesk.transparency.medianResolution', {
                    hours: formatNumber(report.anomalies.medianHoursToResolution, lang, 1),
                  })}
            </p>
          </section>

          <section className="card" aria-labelledby="tr-emergencies">
            <h2 id="tr-emergencies">{t('oversightDesk.transparency.emergencies')}</h2>
            {report.emergencies.length === 0 ? (
              <p className="muted">{t('oversightDesk.transparency.none')}</p>
            ) : (
              <div className="table-wrap">
                <table className="data-table" data-testid="tr-emergencies">
                  <thead>
                    <tr>
                      <th scope="col">{t('oversightDesk.emergencies.titleCol')}</th>
                      <th scope="col">{t('oversightDesk.transparency.scope')}</th>
                      <th scope="col">{t('oversightDesk.emergencies.state')}</th>
                      <th scope="col">{t('oversightDesk.emergencies.period')}</th>
                      <th scope="col">{t('oversightDesk.emergencies.legalBasis')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.emergencies.map((e) => (
                      <tr key={e.id}>
                        <td>{e.title}</td>
                        <td>{jName(e.jurisdictionId)}</td>
                        <td>{t(`oversightDesk.emergencies.states.${e.state}`)}</td>
                        <td>
                          {formatTime(e.startsAt, lang)} – {formatTime(e.endedAt ?? e.endsAt, lang)}
                        </td>
                        <td>{e.legalBasis}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>

          <div className="card-grid">
            <section className="card" aria-labelledby="tr-rules">
              <h2 id="tr-rules">{t('oversightDesk.transparency.ruleSets')}</h2>
              {report.ruleSets.length === 0 ? (
                <p className="muted">{t('oversightDesk.transparency.none')}</p>
              ) : (
                <ul className="plain-list" data-testid="tr-rulesets">
                  {report.ruleSets.map((r) => (
                    <li key={`${r.id}@${r.version}`}>
                      <code>
                        {r.id}@{r.version}
                      </code>{' '}
                      · {jName(r.jurisdiction)} ·{' '}
                      {t('oversightDesk.transparency.effective', { time: formatTime(r.effectiveFrom, lang) })}
                    </li>
                  ))}
                </ul>
              )}
            </section>

            <section className="card" aria-labelledby="tr-deletions">
              <h2 id="tr-deletions">{t('oversightDesk.transparency.deletions')}</h2>
              {Object.keys(report.deletionCertificates.totals).length === 0 ? (
                <p className="muted">{t('oversightDesk.transparency.noDeletions')}</p>
              ) : (
                <BarChart
                  testId="chart-deletions"
                  title={t('oversightDesk.transparency.deletedByCategory')}
                  rows={Object.entries(report.deletionCertificates.totals).map(([k, v]) => ({
                    key: k,
                    label: labelOf('oversightDesk.category', k),
                    segments: [{ key: k, label: k, color: '#6e7781', value: v }],
                  }))}
                  format={fmt}
                  withheldLabel={withheld}
                />
              )}
              <h3>{t('oversightDesk.transparency.retention')}</h3>
              <ul className="plain-list small" data-testid="tr-retention">
                {Object.entries(report.retention.retentionDays).map(([k, d]) => (
                  <li key={k}>
                    {labelOf('oversightDesk.category', k)}: {t('oversightDesk.transparency.days', { count: d })}
                  </li>
                ))}
                <li>
                  {t('oversightDesk.transparency.afterEmergency', {
                    n: t('oversightDesk.transparency.days', { count: report.retention.afterEmergencyEndsDays }),
                  })}
                </li>
              </ul>
              <p className="small">
                {t('oversightDesk.transparency.certificates', {
                  n: fmt(report.deletionCertificates.items.length),
                  countersigned: fmt(report.deletionCertificates.items.filter((c) => c.countersigned).length),
                })}
              </p>
            </section>
          </div>

          <section className="card" aria-labelledby="tr-audit">
            <h2 id="tr-audit">{t('oversightDesk.transparency.audit')}</h2>
            <p data-testid="tr-audit-entries">
              {t('oversightDesk.transparency.auditEntries', { n: fmt(report.audit.entries) })}
            </p>
            {report.audit.latestCheckpoint ? (
              <p className="small">
                {t('oversightDesk.transparency.checkpoint', {
                  seq: fmt(report.audit.latestCheckpoint.seq),
                  time: formatTime(report.audit.latestCheckpoint.signedAt, lang),
                })}{' '}
                <code className="hash">{report.audit.latestCheckpoint.headHash}</code>
              </p>
            ) : null}
            <p className="small">
              <a href="/api/v1/transparency">{t('oversightDesk.transparency.raw')}</a>
            </p>
          </section>
        </>
      )}
    </div>
  );
}

function countOr0(row: { count: number | null } | undefined): number | null {
  return row ? row.count : 0;
}
