import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber, useLanguage } from '../../../i18n/format.ts';
import type { Band } from '../CommandCenter.tsx';
import { stopsFor, type Scale } from '../map/choropleth-scale.ts';
import { METRICS, PENDING_METRICS, type Metric } from '../metrics.ts';

interface Props {
  metric: Metric;
  onMetric(id: string): void;
  band: Band;
  /** Grids are on screen as outlines while the figure is coloured per area. */
  meshShown: boolean;
  scale: Scale;
  hasValues: boolean;
  palette: readonly string[];
  formatValue(v: number): string;
  threshold: number | null;
  onThreshold(v: number | null): void;
}

export function MetricPanel(p: Props) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const ids = { metric: useId(), threshold: useId(), legend: useId() };
  const domain = p.scale.domain;
  const gradient = domain
    ? `linear-gradient(to right, ${stopsFor(domain, p.palette)
        .map(([, c]) => c)
        .join(', ')})`
    : undefined;
  return (
    <section className="metric-panel" aria-labelledby={ids.metric + '-h'} data-testid="metric-panel">
      <h2 id={ids.metric + '-h'} className="panel-title">
        {t('command.metric.title')}
      </h2>
      <label htmlFor={ids.metric} className="visually-hidden">
        {t('command.metric.choose')}
      </label>
      <select
        id={ids.metric}
        value={p.metric.id}
        onChange={(e) => p.onMetric(e.target.value)}
        data-testid="metric-select"
      >
        {METRICS.map((m) => (
          <option key={m.id} value={m.id}>
            {t(`command.metrics.${m.id}` as 'command.metrics.gridCount')}
          </option>
        ))}
        {PENDING_METRICS.length > 0 ? (
          <optgroup label={t('command.metric.pendingGroup')}>
            {PENDING_METRICS.map((m) => (
              <option key={m.id} value={m.id} disabled>
                {t(`command.metrics.${m.id}` as 'command.metrics.gridCount')} — {t(`apis.${m.apiKey}`)}
              </option>
            ))}
          </optgroup>
        ) : null}
      </select>
      <p className="metric-band">
        {p.band === 'grids'
          ? t('command.metric.bandGrids')
          : p.meshShown
            ? t('command.metric.bandAreasMesh')
            : t('command.metric.bandAreas')}
      </p>
      {p.hasValues && domain ? (
        <div className="legend" id={ids.legend} data-testid="legend">
          <div className="legend-ramp" style={{ background: gradient }} aria-hidden="true" />
          <div className="legend-ends">
            <span data-testid="legend-min">{p.formatValue(domain[0])}</span>
            <span data-testid="legend-max">{p.formatValue(domain[1])}</span>
          </div>
        </div>
      ) : (
        <p className="muted small" data-testid="legend-empty">
          {p.hasValues ? t('command.metric.loading') : t('command.metric.notAtThisLevel')}
        </p>
      )}
      <div className="threshold">
        <label htmlFor={ids.threshold}>
          <span className="pulse-dot" aria-hidden="true" />{' '}
          {t(p.metric.direction === 'low' ? 'command.metric.thresholdBelow' : 'command.metric.threshold')}
        </label>
        <input
          id={ids.threshold}
          type="number"
          inputMode="decimal"
          min={0}
          value={p.threshold ?? ''}
          placeholder={t('command.metric.off')}
          onChange={(e) => p.onThreshold(e.target.value === '' ? null : Number(e.target.value))}
          data-testid="threshold-input"
        />
      </div>
      <p className="small" aria-live="polite" data-testid="alert-count">
        {t(
          `command.metric.${p.band === 'grids' ? 'alertingGrids' : 'alerting'}${p.metric.direction === 'low' ? 'Below' : ''}` as 'command.metric.alerting',
          { count: p.scale.alerts.length, n: formatNumber(p.scale.alerts.length, lang) },
        )}
      </p>
    </section>
  );
}
