import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { nameIn, useLanguage } from '../../../i18n/format.ts';
import type { FocusData } from '../useFocus.ts';

interface Props {
  data: FocusData;
  values: Readonly<Record<string, number>> | null;
  alerts: readonly string[];
  formatValue(v: number): string;
  selectedGrid: string | null;
  onDrill(id: string): void;
  onSelectGrid(code: string): void;
}

const MAX_ROWS = 300;

/**
 * The map's contents as a ranked list: the keyboard and screen-reader way to drill down or pick a grid,
 * and the quickest way for an operator to read "which areas are worst".
 */
export function AreaList({ data, values, alerts, formatValue, selectedGrid, onDrill, onSelectGrid }: Props) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const alerting = useMemo(() => new Set(alerts), [alerts]);
  const rows = useMemo(() => {
    const items = data.isLeaf
      ? data.grids.map((g) => ({ id: g.id, name: nameIn(g.properties.name, lang), kind: 'grid' as const }))
      : data.areas.map((a) => ({ id: a.id, name: nameIn(a.properties.name, lang), kind: 'area' as const }));
    return items
      .map((r) => ({ ...r, value: values?.[r.id] }))
      .sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity) || a.id.localeCompare(b.id));
  }, [data, values, lang]);
  const max = Math.max(0, ...rows.map((r) => r.value ?? 0));
  const title = data.isLeaf ? t('command.list.grids') : t('command.list.areas');
  return (
    <section className="panel" aria-labelledby="area-list-title">
      <h2 id="area-list-title" className="panel-title">
        {title} <span className="count">{rows.length}</span>
      </h2>
      <ul className="area-list" data-testid="area-list">
        {rows.slice(0, MAX_ROWS).map((r) => (
          <li key={r.id}>
            <button
              type="button"
              className={`area-row${alerting.has(r.id) ? ' is-alert' : ''}`}
              aria-pressed={r.kind === 'grid' ? selectedGrid === r.id : undefined}
              onClick={() => (r.kind === 'grid' ? onSelectGrid(r.id) : onDrill(r.id))}
              data-id={r.id}
            >
              <span className="area-name">
                {alerting.has(r.id) ? <span className="pulse-dot" aria-hidden="true" /> : null}
                {r.name}
                {alerting.has(r.id) ? <span className="visually-hidden"> ({t('command.list.alert')})</span> : null}
              </span>
              <span className="area-value">{r.value === undefined ? '—' : formatValue(r.value)}</span>
              <span className="area-bar" aria-hidden="true">
                <span style={{ width: `${max > 0 && r.value !== undefined ? (100 * r.value) / max : 0}%` }} />
              </span>
            </button>
          </li>
        ))}
      </ul>
      {rows.length > MAX_ROWS ? (
        <p className="muted small">{t('command.list.more', { n: rows.length - MAX_ROWS })}</p>
      ) : null}
    </section>
  );
}
