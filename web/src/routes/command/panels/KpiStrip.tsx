import { useTranslation } from 'react-i18next';
import { formatArea, formatNumber, useLanguage } from '../../../i18n/format.ts';
import type { StatusFigures } from '../useAreaStats.ts';
import type { FocusData } from '../useFocus.ts';

/** Headline figures for the focus; health and incident figures appear once /stats/areas has answered. */
export function KpiStrip({
  data,
  gridTotal,
  status,
}: {
  data: FocusData;
  gridTotal: number | null;
  /** Red/yellow and open-incident totals from /stats/areas, null while loading or when the role may not read them. */
  status: StatusFigures['totals'] | null;
}) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const p = data.focus.properties;
  const childLevel = data.areas[0]?.properties.level;
  return (
    <dl className="kpis" data-testid="kpis">
      {!data.isLeaf ? (
        <div className="kpi">
          <dt>
            {childLevel ? t(`levelsPlural.${childLevel}`, { defaultValue: childLevel }) : t('command.figures.areas')}
          </dt>
          <dd>{formatNumber(data.areas.length, lang)}</dd>
        </div>
      ) : null}
      <div className="kpi">
        <dt>{t('command.figures.grids')}</dt>
        <dd data-testid="kpi-grids">{gridTotal === null ? '…' : formatNumber(gridTotal, lang)}</dd>
      </div>
      <div className="kpi">
        <dt>{t('command.figures.area')}</dt>
        <dd>{p.areaM2 === null ? '—' : formatArea(p.areaM2, lang)}</dd>
      </div>
      {status
        ? (['red', 'yellow'] as const).map((k) => (
            <div className={`kpi kpi-${k}`} key={k}>
              <dt>{t(`command.kpi.${k}`)}</dt>
              <dd data-testid={`kpi-${k}`}>{formatNumber(status[k], lang)}</dd>
            </div>
          ))
        : null}
      {status ? (
        <div className="kpi kpi-cases">
          <dt>{t('command.kpi.cases')}</dt>
          <dd data-testid="kpi-cases">{formatNumber(status.active_cases, lang)}</dd>
        </div>
      ) : null}
      {status ? (
        <div className="kpi kpi-incidents">
          <dt>{t('command.kpi.incidents')}</dt>
          <dd data-testid="kpi-incidents">{formatNumber(status.open_incidents, lang)}</dd>
        </div>
      ) : null}
    </dl>
  );
}
