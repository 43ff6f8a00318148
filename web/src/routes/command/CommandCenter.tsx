import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FeedEvent } from '../../api/feed.ts';
import type { JurisdictionFeature } from '../../api/types.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatArea, formatNumber, formatPercent, useLanguage } from '../../i18n/format.ts';
import { Link, navigate, segments, usePath } from '../../router.tsx';
import { useSession } from '../../session/SessionContext.tsx';
import { Breadcrumb } from './panels/Breadcrumb.tsx';
import { LiveClock } from './panels/LiveClock.tsx';
import { AreaList } from './panels/AreaList.tsx';
import { KpiStrip } from './panels/KpiStrip.tsx';
import { MetricPanel } from './panels/MetricPanel.tsx';
import { mayDispatch, mayReadFeed, mayReadStats } from './access.ts';
import { LiveFeed } from './panels/LiveFeed.tsx';
import { DispatchPanel } from './panels/DispatchPanel.tsx';
import { SelectionPanel } from './panels/SelectionPanel.tsx';
import { StatusTimeline } from './panels/StatusTimeline.tsx';
import { CommandMap } from './map/CommandMap.tsx';
import { buildScale, defaultThreshold, PALETTES } from './map/choropleth-scale.ts';
import { GRID_MIN_ZOOM } from './map/map-style.ts';
import { metricById } from './metrics.ts';
import { useContextGrids, type View } from './useContextGrids.ts';
import { useAreaStats } from './useAreaStats.ts';
import { useFocus } from './useFocus.ts';
import { useGridFigures } from './useGridFigures.ts';
import { useGridIndex } from './useGridIndex.ts';
import './command.css';

export type Band = 'areas' | 'grids';

const NO_AREAS: JurisdictionFeature[] = [];

export default function CommandCenter() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const { session } = useSession();
  const principal = session?.principal;
  const scopeId = principal?.kind === 'staff' ? principal.scopeId : '';
  const focusId = segments(usePath())[1] ?? scopeId;
  const { data, loading, error } = useFocus(focusId);
  const outOfScope = !!data && data.focus.id === focusId && !data.focus.properties.path.includes(scopeId);
  // Nothing of a jurisdiction outside the staff member's scope is drawn, listed or even fetched further.
  const shown = outOfScope ? null : data;
  const [view, setView] = useState<View | null>(null);
  const context = useContextGrids(shown && !shown.isLeaf ? shown.areas : NO_AREAS, view);
  const contextGrids = context.grids;
  const grids = shown?.isLeaf ? shown.grids : contextGrids;
  const [metricId, setMetricId] = useState('gridCount');
  const metric = metricById(metricId);
  const index = useGridIndex(shown && !shown.isLeaf ? shown.focus.id : null, metric.needsGridIndex);
  const gridIndex = index.grids;
  const [selectedGrid, setSelectedGrid] = useState<string | null>(null);
  // A status change in the feed refetches the status figures and the chart that counts changes.
  const [statusRevision, setStatusRevision] = useState(0);
  // Incident and task events refresh the dispatch lists.
  const [dispatchRevision, setDispatchRevision] = useState(0);
  // Status and incident events refetch the map's figures.
  const [figuresRevision, setFiguresRevision] = useState(0);
  const onFeedEvent = useCallback((e: FeedEvent) => {
    if (e.topic.startsWith('status.')) setStatusRevision((n) => n + 1);
    if (e.topic.startsWith('incident.') || e.topic.startsWith('task.')) setDispatchRevision((n) => n + 1);
    if (e.topic.startsWith('status.') || e.topic.startsWith('incident.')) setFiguresRevision((n) => n + 1);
  }, []);
  const statusStats = useAreaStats(shown && mayReadStats(principal) ? shown.focus.id : null, figuresRevision);
  const stats = statusStats.figures;
  // Zoomed in above a community, a status metric colours each drawn grid by its own figure.
  const gridFigures = useGridFigures(
    context.parentsKey,
    metric.needsGridFigures && !!shown && !shown.isLeaf && mayReadStats(principal),
    figuresRevision,
  );
  const [thresholds, setThresholds] = useState<Record<string, number | null>>({});

  useEffect(() => setSelectedGrid(null), [focusId]);

  const input = useMemo(
    () => ({ areas: shown?.areas ?? NO_AREAS, grids, gridIndex, stats, gridFigures: gridFigures.figures }),
    [shown, grids, gridIndex, stats, gridFigures.figures],
  );
  const areaValues = useMemo(() => (shown && !shown.isLeaf ? metric.areas(input) : null), [metric, input, shown]);
  const gridValues = useMemo(() => metric.grids(input), [metric, input]);
  const band: Band =
    shown?.isLeaf || (view && view.zoom >= GRID_MIN_ZOOM && gridValues && Object.keys(gridValues).length > 0)
      ? 'grids'
      : 'areas';
  const bandValues = band === 'grids' ? gridValues : areaValues;
  const thresholdKey = `${metric.id}:${band}:${focusId}`;
  const threshold =
    thresholdKey in thresholds
      ? (thresholds[thresholdKey] ?? null)
      : defaultThreshold(bandValues ?? {}, metric.direction);
  const areaScale = useMemo(
    () => buildScale(areaValues ?? {}, band === 'areas' ? threshold : null, metric.direction),
    [areaValues, band, threshold, metric.direction],
  );
  const gridScale = useMemo(
    () => buildScale(gridValues ?? {}, band === 'grids' ? threshold : null, metric.direction),
    [gridValues, band, threshold, metric.direction],
  );
  const palette = PALETTES[metric.palette];
  const formatValue = useCallback(
    (v: number) =>
      metric.unit === 'm2'
        ? formatArea(v, lang)
        : metric.unit === 'percent'
          ? formatPercent(v, lang)
          : formatNumber(v, lang),
    [metric.unit, lang],
  );
  const drill = useCallback((id: string) => navigate(`/command/${id}`), []);

  if (!principal || principal.kind !== 'staff') return null;

  return (
    <div className="command" data-testid="screen-command">
      <h1 className="visually-hidden">{t('areas.command.title')}</h1>
      <div className="command-bar">
        {shown ? <Breadcrumb focus={shown.focus} scopeId={scopeId} /> : <span />}
        {shown ? (
          <KpiStrip
            data={shown}
            gridTotal={shown.isLeaf ? shown.grids.length : (gridIndex?.length ?? null)}
            status={stats?.totals ?? null}
          />
        ) : null}
        <LiveClock />
      </div>
      {error || index.error || context.error || statusStats.error || gridFigures.error ? (
        <ProblemAlert error={error ?? index.error ?? context.error ?? statusStats.error ?? gridFigures.error} />
      ) : null}
      {outOfScope ? (
        <div className="problem" role="alert">
          {t('command.outOfScope')} <Link to="/command">{t('command.backToScope')}</Link>
        </div>
      ) : null}
      <div className="command-body">
        <div className="command-stage">
          <CommandMap
            data={shown}
            grids={grids}
            areaLayer={{ values: areaValues, scale: areaScale }}
            gridLayer={{ values: gridValues, scale: gridScale }}
            palette={palette}
            formatValue={formatValue}
            metricId={metric.id}
            metricLabel={t(`command.metrics.${metric.id}` as 'command.metrics.gridCount')}
            selectedGrid={selectedGrid}
            onDrill={drill}
            onSelectGrid={setSelectedGrid}
            onView={setView}
          />
          <MetricPanel
            metric={metric}
            onMetric={setMetricId}
            band={band}
            meshShown={band === 'areas' && grids.length > 0 && !!view && view.zoom >= GRID_MIN_ZOOM}
            scale={band === 'grids' ? gridScale : areaScale}
            hasValues={bandValues !== null}
            palette={palette}
            formatValue={formatValue}
            threshold={threshold}
            onThreshold={(v) => setThresholds((s) => ({ ...s, [thresholdKey]: v }))}
          />
          {loading ? (
            <p className="map-status" role="status">
              {t('common.loading')}
            </p>
          ) : null}
        </div>
        <aside className="command-side" aria-label={t('command.side.label')}>
          <SelectionPanel code={selectedGrid} onClose={() => setSelectedGrid(null)} />
          {shown && mayDispatch(principal) ? (
            <DispatchPanel jurisdictionId={shown.focus.id} gridCode={selectedGrid} refresh={dispatchRevision} />
          ) : null}
          {shown ? (
            <AreaList
              data={shown}
              values={shown.isLeaf ? gridValues : areaValues}
              alerts={(shown.isLeaf ? gridScale : areaScale).alerts}
              formatValue={formatValue}
              selectedGrid={selectedGrid}
              onDrill={drill}
              onSelectGrid={setSelectedGrid}
            />
          ) : null}
          {shown && mayReadStats(principal) ? (
            <StatusTimeline jurisdiction={shown.focus.id} refresh={statusRevision} />
          ) : null}
          {mayReadFeed(principal) ? <LiveFeed onEvent={onFeedEvent} /> : null}
        </aside>
      </div>
    </div>
  );
}
