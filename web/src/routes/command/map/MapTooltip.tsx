import { useTranslation } from 'react-i18next';
import type { GridFeature } from '../../../api/types.ts';
import { formatArea, formatNumber, nameIn, useLanguage } from '../../../i18n/format.ts';
import type { FocusData } from '../useFocus.ts';
import type { Layered } from './CommandMap.tsx';
import type { Hover } from './useMapInteraction.ts';

interface Props {
  hover: Hover;
  data: FocusData | null;
  grids: readonly GridFeature[];
  areaLayer: Layered;
  gridLayer: Layered;
  format(v: number): string;
  metricId: string;
  metricLabel: string;
}

/** The figures under the pointer. Mouse-only by nature; the side list carries the same figures for keyboards. */
export function MapTooltip({ hover, data, grids, areaLayer, gridLayer, format, metricId, metricLabel }: Props) {
  const { t } = useTranslation();
  const lang = useLanguage();
  if (!hover || !data) return null;
  const style = { left: hover.x + 14, top: hover.y + 14 };
  if (hover.kind === 'area') {
    const a = data.areas.find((f) => f.id === hover.id);
    if (!a) return null;
    const v = areaLayer.values?.[a.id];
    return (
      <div className="map-tooltip" style={style} data-testid="map-tooltip">
        <div className="tt-title">{nameIn(a.properties.name, lang)}</div>
        <div className="tt-sub">
          {t(`levels.${a.properties.level}`, { defaultValue: a.properties.level })} ·{' '}
          <span className="mono">{a.id}</span>
        </div>
        <dl>
          {v !== undefined ? (
            <>
              <dt>{metricLabel}</dt>
              <dd>{format(v)}</dd>
            </>
          ) : null}
          <dt>{t('command.figures.grids')}</dt>
          <dd>{formatNumber(a.properties.gridCount ?? 0, lang)}</dd>
          {metricId !== 'area' ? (
            <>
              <dt>{t('command.figures.area')}</dt>
              <dd>{a.properties.areaM2 === null ? '—' : formatArea(a.properties.areaM2, lang)}</dd>
            </>
          ) : null}
        </dl>
        <div className="tt-hint">{t('command.map.clickToDrill')}</div>
      </div>
    );
  }
  const g = grids.find((f) => f.id === hover.id);
  if (!g) return null;
  const v = gridLayer.values?.[g.id];
  return (
    <div className="map-tooltip" style={style} data-testid="map-tooltip">
      <div className="tt-title">{nameIn(g.properties.name, lang)}</div>
      <div className="tt-sub mono">{g.properties.code}</div>
      <dl>
        {v !== undefined ? (
          <>
            <dt>{metricLabel}</dt>
            <dd>{format(v)}</dd>
          </>
        ) : null}
        {metricId !== 'area' ? (
          <>
            <dt>{t('command.figures.area')}</dt>
            <dd>{formatArea(g.properties.areaM2, lang)}</dd>
          </>
        ) : null}
      </dl>
      {data.isLeaf ? <div className="tt-hint">{t('command.map.clickForWorkers')}</div> : null}
    </div>
  );
}
