import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { allPages } from '../../api/client.ts';
import { mapLimit } from '../../api/concurrency.ts';
import { getGrid } from '../../api/geo.ts';
import type { GridFeature, StaffPrincipal } from '../../api/types.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { WorkerList } from '../../components/WorkerList.tsx';
import { formatArea, nameIn, useLanguage } from '../../i18n/format.ts';

/** The grids in the worker's scope that list them as a worker, with their co-workers. */
export function MyGrids({ me }: { me: StaffPrincipal }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [grids, setGrids] = useState<GridFeature[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const ac = new AbortController();
    (async () => {
      // The list endpoint carries no workers, so each grid in scope is read once (a community has tens).
      const inScope = await allPages<GridFeature>(`/jurisdictions/${me.scopeId}/grids`, { geometry: false }, ac.signal);
      const full = await mapLimit(inScope, 4, (g) => getGrid(g.properties.code, ac.signal));
      setGrids(full.filter((g) => g.properties.workers?.some((w) => w.id === me.id)));
    })().catch((e: unknown) => {
      if (!ac.signal.aborted) setError(e);
    });
    return () => ac.abort();
  }, [me.id, me.scopeId]);

  return (
    <section className="card" aria-labelledby="my-grids-title" data-testid="my-grids" aria-busy={grids === null}>
      <h2 id="my-grids-title">{t('worker.myGrids.title')}</h2>
      <ProblemAlert error={error} />
      {grids === null && !error ? <p className="muted">{t('common.loading')}</p> : null}
      {grids?.length === 0 ? <p className="muted">{t('worker.myGrids.none')}</p> : null}
      {grids?.map((g) => (
        <article key={g.properties.code} className="grid-card" data-grid={g.properties.code}>
          <h3>{nameIn(g.properties.name, lang)}</h3>
          <dl className="facts">
            <dt>{t('grid.code')}</dt>
            <dd className="mono">{g.properties.code}</dd>
            <dt>{t('grid.area')}</dt>
            <dd>{formatArea(g.properties.areaM2, lang)}</dd>
            <dt>{t('grid.workers')}</dt>
            <dd>
              <WorkerList workers={g.properties.workers} />
            </dd>
          </dl>
        </article>
      ))}
    </section>
  );
}
