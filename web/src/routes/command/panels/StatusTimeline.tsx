import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './live-panels.css';
import { getStatusTimeline, type TimelineDay } from '../../../api/stats.ts';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { formatNumber, useLanguage } from '../../../i18n/format.ts';

const DAYS = 30;
const COLORS = [
  { key: 'red', fill: '#f04438' },
  { key: 'yellow', fill: '#fdb022' },
  { key: 'green', fill: '#12b76a' },
] as const;
const W = 320;
const H = 120;

/** Status changes per day under the focus (to red, to yellow, to green), as stacked SVG bars. */
export function StatusTimeline({ jurisdiction, refresh }: { jurisdiction: string; refresh: number }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [days, setDays] = useState<TimelineDay[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const ac = new AbortController();
    getStatusTimeline(jurisdiction, DAYS, ac.signal).then(
      (r) => {
        setDays(r.days);
        setError(null);
      },
      (e: unknown) => !ac.signal.aborted && setError(e),
    );
    return () => ac.abort();
  }, [jurisdiction, refresh]);

  const max = Math.max(1, ...(days ?? []).map((d) => d.red + d.yellow + d.green));
  const bar = days && days.length > 0 ? W / days.length : 0;
  const sum = (key: (typeof COLORS)[number]['key']) => (days ?? []).reduce((s, d) => s + d[key], 0);
  const totals = COLORS.map((c) => ({ ...c, n: sum(c.key) }));
  return (
    <section className="panel" aria-labelledby="timeline-title" data-testid="status-timeline">
      <h2 id="timeline-title" className="panel-title">
        {t('command.timeline.title', { days: DAYS })}
      </h2>
      <ProblemAlert error={error} />
      {days ? (
        <>
          <svg
            viewBox={`0 0 ${W} ${H}`}
            className="timeline-chart"
            role="img"
            aria-label={t('command.timeline.aria', {
              red: sum('red'),
              yellow: sum('yellow'),
              green: sum('green'),
              days: DAYS,
            })}
          >
            <line x1={0} y1={H - 0.5} x2={W} y2={H - 0.5} className="timeline-axis" />
            {days.map((d, i) => {
              let y = H;
              return (
                <g key={d.day} data-day={d.day}>
                  <title>{`${d.day}: ${COLORS.map((c) => `${t(`color.${c.key}`)} ${d[c.key]}`).join(', ')}`}</title>
                  {COLORS.map((c) => {
                    const h = (d[c.key] / max) * (H - 4);
                    y -= h;
                    return h > 0 ? (
                      <rect key={c.key} x={i * bar + 1} y={y} width={Math.max(1, bar - 2)} height={h} fill={c.fill} />
                    ) : null;
                  })}
                </g>
              );
            })}
          </svg>
          <ul className="timeline-legend">
            {totals.map((c) => (
              <li key={c.key} data-color={c.key}>
                <span className="swatch" style={{ background: c.fill }} aria-hidden="true" />
                {t('command.timeline.to', { color: t(`color.${c.key}`) })} <strong>{formatNumber(c.n, lang)}</strong>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
