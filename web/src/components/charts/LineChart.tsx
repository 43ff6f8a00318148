import { useId } from 'react';
import './charts.css';

export interface LineSeries {
  key: string;
  label: string;
  color: string;
  /** One value per x position; null where nothing was published (a gap, not a zero). */
  values: ReadonlyArray<number | null>;
}

interface Props {
  title: string;
  xLabels: readonly string[];
  series: readonly LineSeries[];
  format: (n: number) => string;
  withheldLabel: string;
  testId?: string;
}

const W = 640;
const H = 240;
const PAD = { left: 64, right: 16, top: 12, bottom: 36 };

/** Lines over time in plain SVG, one per series, with the axis range and the last value of each line written out. */
export function LineChart({ title, xLabels, series, format, withheldLabel, testId }: Props) {
  const id = useId();
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = Math.max(1, ...all);
  const n = xLabels.length;
  const x = (i: number) =>
    PAD.left + (n <= 1 ? (W - PAD.left - PAD.right) / 2 : (i / (n - 1)) * (W - PAD.left - PAD.right));
  const y = (v: number) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  const segmentsOf = (values: ReadonlyArray<number | null>) => {
    const out: Array<Array<[number, number]>> = [];
    let cur: Array<[number, number]> = [];
    values.forEach((v, i) => {
      if (v === null) {
        if (cur.length) out.push(cur);
        cur = [];
      } else cur.push([x(i), y(v)]);
    });
    if (cur.length) out.push(cur);
    return out;
  };
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption id={`${id}-t`}>{title}</figcaption>
      <ul className="chart-legend">
        {series.map((s) => {
          const last = [...s.values].reverse().find((v) => v !== null);
          return (
            <li key={s.key} data-series={s.key} data-last={last ?? 'withheld'}>
              <span className="chart-swatch" style={{ background: s.color }} aria-hidden="true" />
              {s.label}: {last === undefined || last === null ? withheldLabel : format(last)}
            </li>
          );
        })}
      </ul>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t`} aria-describedby={`${id}-d`}>
        <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} className="chart-axis" />
        <line x1={PAD.left} x2={W - PAD.right} y1={y(max)} y2={y(max)} className="chart-grid" />
        <text x={PAD.left - 6} y={y(max)} textAnchor="end" dominantBaseline="middle" className="chart-value">
          {format(max)}
        </text>
        <text x={PAD.left - 6} y={y(0)} textAnchor="end" dominantBaseline="middle" className="chart-value">
          {format(0)}
        </text>
        {n > 0 ? (
          <>
            <text x={x(0)} y={H - 12} textAnchor="start" className="chart-label">
              {xLabels[0]}
            </text>
            {n > 1 ? (
              <text x={x(n - 1)} y={H - 12} textAnchor="end" className="chart-label">
                {xLabels[n - 1]}
              </text>
            ) : null}
          </>
        ) : null}
        {series.map((s) => (
          <g key={s.key} data-series={s.key}>
            {segmentsOf(s.values).map((pts) =>
              pts.length === 1 ? (
                <circle key={pts[0]![0]} cx={pts[0]![0]} cy={pts[0]![1]} r={4} fill={s.color} />
              ) : (
                <polyline
                  key={pts[0]![0]}
                  points={pts.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}
                  fill="none"
                  stroke={s.color}
                  strokeWidth={2.5}
                  strokeLinejoin="round"
                />
              ),
            )}
          </g>
        ))}
      </svg>
      <table id={`${id}-d`} className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col" />
            {series.map((s) => (
              <th key={s.key} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {xLabels.map((l, i) => (
            <tr key={l}>
              <th scope="row">{l}</th>
              {series.map((s) => {
                const v = s.values[i];
                return <td key={s.key}>{v === null || v === undefined ? withheldLabel : format(v)}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
