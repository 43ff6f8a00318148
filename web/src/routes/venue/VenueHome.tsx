import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getCheckInsToday, getOperatedPlaces, getPosterSvg, type OperatedPlace } from '../../api/venue.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { ScreenTitle } from '../../components/ScreenTitle.tsx';
import { formatNumber, nameIn, useLanguage } from '../../i18n/format.ts';
import { useSession } from '../../session/SessionContext.tsx';
import './venue.css';

/** The signed place-code poster of one place, shown large, to download or print, with today's check-in count. */
function PlacePoster({ place, token }: { place: OperatedPlace; token: string }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [url, setUrl] = useState<string | null>(null);
  const [count, setCount] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const name = nameIn(place.name, lang);

  useEffect(() => {
    const ac = new AbortController();
    let made: string | null = null;
    setUrl(null);
    getPosterSvg(place.id, token, ac.signal)
      .then((svg) => {
        made = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
        setUrl(made);
      })
      .catch((e: unknown) => {
        if (!ac.signal.aborted) setError(e);
      });
    getCheckInsToday(place.id, ac.signal)
      .then((r) => setCount(r.count))
      .catch((e: unknown) => {
        if (!ac.signal.aborted) setError(e);
      });
    return () => {
      ac.abort();
      if (made) URL.revokeObjectURL(made);
    };
  }, [place.id, token]);

  return (
    <section className="card venue-poster-card" aria-labelledby="poster-title" data-testid="venue-poster">
      <h2 id="poster-title">{name}</h2>
      <p className="venue-count" data-testid="checkins-today" data-count={count ?? ''}>
        {count === null ? t('common.loading') : t('venueDesk.checkInsToday', { count, n: formatNumber(count, lang) })}
      </p>
      <ProblemAlert error={error} />
      {url ? (
        <>
          <img className="venue-poster" src={url} alt={t('venueDesk.posterAlt', { name })} data-testid="poster-image" />
          <div className="venue-actions no-print">
            <a className="btn btn-primary" href={url} download={`tessera-poster-${place.id}.svg`}>
              {t('venueDesk.download')}
            </a>
            <button type="button" className="btn" onClick={() => window.print()}>
              {t('venueDesk.print')}
            </button>
          </div>
          <p className="muted small no-print">{t('venueDesk.posterHint')}</p>
        </>
      ) : error ? null : (
        <p className="loading">{t('venueDesk.rendering')}</p>
      )}
    </section>
  );
}

export default function VenueHome() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const { session } = useSession();
  const token = session?.token ?? null;
  const pickId = useId();
  const [places, setPlaces] = useState<OperatedPlace[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const ac = new AbortController();
    getOperatedPlaces(ac.signal)
      .then((r) => {
        setPlaces(r.items);
        setChosen((c) => c ?? r.items[0]?.id ?? null);
      })
      .catch((e: unknown) => {
        if (!ac.signal.aborted) setError(e);
      });
    return () => ac.abort();
  }, []);

  const place = places?.find((p) => p.id === chosen) ?? null;
  return (
    <div className="screen mobile-screen venue" data-testid="screen-venue">
      <ScreenTitle title={t('areas.venue.title')} lead={t('venueDesk.lead')} />
      <ProblemAlert error={error} />
      {places === null ? (
        error ? null : (
          <p className="loading">{t('common.loading')}</p>
        )
      ) : places.length === 0 ? (
        <p className="card muted">{t('venueDesk.noPlaces')}</p>
      ) : (
        <>
          {places.length > 1 ? (
            <div className="field no-print">
              <label htmlFor={pickId}>{t('venueDesk.choose')}</label>
              <select
                id={pickId}
                value={chosen ?? ''}
                onChange={(e) => setChosen(e.target.value)}
                data-testid="place-pick"
              >
                {places.map((p) => (
                  <option key={p.id} value={p.id}>
                    {nameIn(p.name, lang)}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          {place && token ? <PlacePoster key={place.id} place={place} token={token} /> : null}
        </>
      )}
    </div>
  );
}
