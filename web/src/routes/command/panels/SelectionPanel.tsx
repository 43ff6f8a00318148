import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getGrid } from '../../../api/geo.ts';
import type { GridFeature } from '../../../api/types.ts';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { WorkerList } from '../../../components/WorkerList.tsx';
import { formatArea, formatNumber, nameIn, useLanguage } from '../../../i18n/format.ts';

/** The picked grid with its workers, read fresh from GET /grids/:code (assignments change during a shift). */
export function SelectionPanel({ code, onClose }: { code: string | null; onClose(): void }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [grid, setGrid] = useState<GridFeature | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setGrid(null);
    setError(null);
    if (!code) return;
    const ac = new AbortController();
    getGrid(code, ac.signal)
      .then(setGrid)
      .catch((e: unknown) => !ac.signal.aborted && setError(e));
    return () => ac.abort();
  }, [code]);

  if (!code) return null;
  return (
    <section
      className="panel selection"
      aria-labelledby="selection-title"
      data-testid="grid-details"
      aria-busy={!grid && !error}
    >
      <div className="panel-head">
        <h2 id="selection-title" className="panel-title">
          {grid ? nameIn(grid.properties.name, lang) : t('common.loading')}
        </h2>
        <button
          type="button"
          className="btn btn-quiet btn-small"
          onClick={onClose}
          aria-label={t('command.selection.close')}
        >
          ×
        </button>
      </div>
      <ProblemAlert error={error} />
      {grid ? (
        <dl className="facts">
          <dt>{t('grid.code')}</dt>
          <dd className="mono">{grid.properties.code}</dd>
          <dt>{t('grid.area')}</dt>
          <dd>{formatArea(grid.properties.areaM2, lang)}</dd>
          <dt>{t('grid.centroid')}</dt>
          <dd className="mono">
            {formatNumber(grid.properties.centroid.lat, 'en', 5)}, {formatNumber(grid.properties.centroid.lng, 'en', 5)}
          </dd>
          <dt>{t('grid.workers')}</dt>
          <dd>
            <WorkerList workers={grid.properties.workers} />
          </dd>
        </dl>
      ) : null}
    </section>
  );
}
