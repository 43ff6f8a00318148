import { useId } from 'react';
import './charts.css';

export interface BarSegment {
  key: string;
  label: string;
  /** null: the count is withheld by the publisher (drawn hatched, never guessed). */
  value: number | null;
  color: string;
}

export interface BarRow {
  key: string;
  label: string;
  segments: BarSegment[];
}

interface Props {
  title: string;
  rows: readonly BarRow[];
  format: (n: number) => string;
  withheldLabel: string;
  testId?: string;
}

const ROW_H = 28;
const LABEL_W = 150;
const BAR_W = 300;
const VALUE_W = 70;

/**
 * Horizontal stacked bars in plain SVG. Each segment carries its number as data and text; a withheld count takes a
 * small hatched stub so its existence is visible without implying a size.
 */
export function BarChart({ title, rows, format, withheldLabel, testId }: Props) {
  const id = useId();
  const totals = rows.map((r) => r.segments.reduce((s, x) => s + (x.value ?? 0), 0));
  const max = Math.max(1, ...totals);
  const width = LABEL_W + BAR_W + VALUE_W;
  const height = Math.max(ROW_H, rows.length * ROW_H) + 4;
  // A legend only where bars are split: single-segment rows are named by their own label.
  const legend = rows.some((r) => r.segments.length > 1)
    ? [...new Map(rows.flatMap((r) => r.segments.map((s) => [s.key, s] as const))).values()]
    : [];
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption id={`${id}-t`}>{title}</figcaption>
      {legend.length > 0 ? (
        <ul className="chart-legend">
          {legend.map((s) => (
            <li key={s.key}>
              <span className="chart-swatch" style={{ background: s.color }} aria-hidden="true" />
              {s.label}
            </li>
          ))}
        </ul>
      ) : null}
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby={`${id}-t`}
        aria-describedby={`${id}-d`}
        preserveAspectRatio="xMinYMin meet"
      >
        <defs>
          <pattern id={`${id}-h`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="#ffffff" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#6b7280" strokeWidth="2" />
          </pattern>
        </defs>
        {rows.map((r, i) => {
          const y = i * ROW_H + 4;
          let x = LABEL_W;
          const withheld = r.segments.some((s) => s.value === null);
          return (
            <g key={r.key} data-row={r.key}>
              <text
                x={LABEL_W - 8}
                y={y + ROW_H / 2}
                textAnchor="end"
                dominantBaseline="middle"
                className="chart-label"
              >
                {r.label}
              </text>
              {r.segments.map((s) => {
                const w = s.value === null ? 6 : (s.value / max) * BAR_W;
                const rect = (
                  <rect
                    key={s.key}
                    x={x}
                    y={y + 3}
                    width={Math.max(0, w)}
                    height={ROW_H - 8}
                    fill={s.value === null ? `url(#${id}-h)` : s.color}
                    data-segment={s.key}
                    data-value={s.value === null ? 'withheld' : s.value}
                  >
                    <title>{`${r.label} · ${s.label}: ${s.value === null ? withheldLabel : format(s.value)}`}</title>
                  </rect>
                );
                x += w;
                return rect;
              })}
              <text x={x + 6} y={y + ROW_H / 2} dominantBaseline="middle" className="chart-value" data-total>
                {format(totals[i] ?? 0)}
                {withheld ? ' *' : ''}
              </text>
            </g>
          );
        })}
      </svg>
      <table id={`${id}-d`} className="visually-hidden">
        <caption>{title}</caption>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.label}</th>
              {r.segments.map((s) => (
                <td key={s.key}>{`${s.label}: ${s.value === null ? withheldLabel : format(s.value)}`}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
