import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getGrid, locateGrid } from '../../api/geo.ts';
import type { GridFeature } from '../../api/types.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { WorkerList } from '../../components/WorkerList.tsx';
import { formatArea, nameIn, useLanguage } from '../../i18n/format.ts';

type State =
  | { kind: 'idle' }
  | { kind: 'locating' }
  | { kind: 'found'; grid: GridFeature }
  | { kind: 'geo-error'; code: number }
  | { kind: 'api-error'; error: unknown };

function position(): Promise<GeolocationPosition> {
  return new Promise((resolve, reject) =>
    navigator.geolocation.getCurrentPosition(resolve, reject, { enableHighAccuracy: true, timeout: 15_000 }),
  );
}

/** "Which grid am I in, and who are its workers?" — the position is sent once, only when the resident asks. */
export function LocateMyGrid() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [state, setState] = useState<State>({ kind: 'idle' });

  const locate = async () => {
    if (!('geolocation' in navigator)) return setState({ kind: 'geo-error', code: 2 });
    setState({ kind: 'locating' });
    let pos: GeolocationPosition;
    try {
      pos = await position();
    } catch (e) {
      return setState({ kind: 'geo-error', code: (e as GeolocationPositionError).code ?? 2 });
    }
    try {
      const found = await locateGrid(pos.coords.latitude, pos.coords.longitude);
      setState({ kind: 'found', grid: await getGrid(found.properties.code) });
    } catch (error) {
      setState({ kind: 'api-error', error });
    }
  };

  return (
    <section className="card" aria-labelledby="locate-title" data-testid="locate-grid">
      <h2 id="locate-title">{t('resident.locate.title')}</h2>
      <p className="muted">{t('resident.locate.explain')}</p>
      <button
        type="button"
        className="btn btn-primary"
        onClick={() => void locate()}
        disabled={state.kind === 'locating'}
      >
        {state.kind === 'locating' ? t('resident.locate.locating') : t('resident.locate.button')}
      </button>
      <div aria-live="polite">
        {state.kind === 'found' ? (
          <dl className="facts" data-testid="located-grid">
            <dt>{t('grid.name')}</dt>
            <dd>{nameIn(state.grid.properties.name, lang)}</dd>
            <dt>{t('grid.code')}</dt>
            <dd className="mono">{state.grid.properties.code}</dd>
            <dt>{t('grid.area')}</dt>
            <dd>{formatArea(state.grid.properties.areaM2, lang)}</dd>
            <dt>{t('grid.workers')}</dt>
            <dd>
              <WorkerList workers={state.grid.properties.workers} />
            </dd>
          </dl>
        ) : state.kind === 'geo-error' ? (
          <p className="problem" role="alert">
            {state.code === 1 ? t('resident.locate.denied') : t('resident.locate.unavailable')}
          </p>
        ) : state.kind === 'api-error' ? (
          <ProblemAlert error={state.error} />
        ) : null}
      </div>
    </section>
  );
}
