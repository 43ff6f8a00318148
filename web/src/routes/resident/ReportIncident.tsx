import { useEffect, useMemo, useState, type ChangeEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { getGrid } from '../../api/geo.ts';
import {
  fileReport,
  fileToBase64,
  getCategoryTree,
  getMyHome,
  type CategoryTree,
  type MyHome,
  type ReportOutcome,
} from '../../api/incident-reports.ts';
import { ApiError } from '../../api/problem.ts';
import type { AreaGeometry } from '../../api/types.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useLanguage } from '../../i18n/format.ts';
import { ReportIncidentList } from './ReportIncidentList.tsx';
import { ReportIncidentMap, type Point } from './ReportIncidentMap.tsx';
import './resident-extra.css';

/** What the server accepts (src/modules/incidents/photos.ts); it checks the magic bytes and the size again. */
const MAX_PHOTOS = 4;
const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

type Where = { point: Point; how: 'gps' | 'map' | 'home'; accuracy?: number } | null;
type GeoState = 'idle' | 'locating' | 'denied' | 'unavailable';

interface Photo {
  file: File;
  preview: string;
}

/** The 409 of a report near an open incident of the same category names the one to attach to. */
function duplicateOf(e: unknown): string | null {
  if (!(e instanceof ApiError) || e.status !== 409) return null;
  return /duplicateOf=([0-9a-f-]{36})/i.exec(e.detail)?.[1] ?? null;
}

function position(): Promise<GeolocationPosition> {
  return new Promise((resolve, reject) =>
    navigator.geolocation.getCurrentPosition(resolve, reject, { enableHighAccuracy: true, timeout: 15_000 }),
  );
}

/** Report an everyday problem (a broken lamp, rubbish, a blocked lane) with a photo and the place; then follow it. */
export function ReportIncident() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [tree, setTree] = useState<CategoryTree | null>(null);
  const [home, setHome] = useState<MyHome['household'] | null>(null);
  const [gridShape, setGridShape] = useState<AreaGeometry | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [major, setMajor] = useState('');
  const [category, setCategory] = useState('');
  const [description, setDescription] = useState('');
  const [address, setAddress] = useState('');
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [photoProblem, setPhotoProblem] = useState<string | null>(null);
  const [where, setWhere] = useState<Where>(null);
  const [geo, setGeo] = useState<GeoState>('idle');
  const [showMap, setShowMap] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<ReportOutcome | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    const ac = new AbortController();
    Promise.all([getCategoryTree(ac.signal), getMyHome(ac.signal)]).then(
      ([c, me]) => {
        setTree(c.tree);
        setHome(me.household);
      },
      (e: unknown) => !ac.signal.aborted && setLoadError(e),
    );
    return () => ac.abort();
  }, []);

  // Object URLs of previews are released when the photos change or the card goes.
  useEffect(() => () => photos.forEach((p) => URL.revokeObjectURL(p.preview)), [photos]);

  const majors = tree?.majors.filter((m) => m.minors.some((c) => c.active)) ?? [];
  const minors = useMemo(
    () => tree?.majors.find((m) => m.code === major)?.minors.filter((c) => c.active) ?? [],
    [tree, major],
  );
  const chosen = minors.find((c) => c.code === category);

  const locate = async () => {
    if (!('geolocation' in navigator)) return setGeo('unavailable');
    setGeo('locating');
    try {
      const pos = await position();
      setWhere({
        point: { lat: pos.coords.latitude, lng: pos.coords.longitude },
        how: 'gps',
        accuracy: pos.coords.accuracy,
      });
      setGeo('idle');
    } catch (e) {
      setGeo((e as GeolocationPositionError).code === 1 ? 'denied' : 'unavailable');
    }
  };
  const openMap = async () => {
    setShowMap(true);
    if (gridShape || !home) return;
    try {
      const g = await getGrid(home.gridCode);
      setGridShape(g.geometry);
    } catch (e) {
      setLoadError(e);
    }
  };
  const useHome = () => home && setWhere({ point: home.location, how: 'home' });

  const addPhotos = (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.target.files ?? [])];
    e.target.value = '';
    setPhotoProblem(null);
    const ok: Photo[] = [];
    for (const file of files) {
      if (file.type && !PHOTO_TYPES.includes(file.type)) {
        setPhotoProblem(t('residentExtra.report.photoType', { name: file.name }));
        continue;
      }
      if (file.size > MAX_PHOTO_BYTES) {
        setPhotoProblem(t('residentExtra.report.photoSize', { name: file.name, max: 5 }));
        continue;
      }
      ok.push({ file, preview: URL.createObjectURL(file) });
    }
    setPhotos((prev) => {
      const next = [...prev, ...ok];
      if (next.length > MAX_PHOTOS) setPhotoProblem(t('residentExtra.report.photoCount', { max: MAX_PHOTOS }));
      return next.slice(0, MAX_PHOTOS);
    });
  };
  const removePhoto = (i: number) => setPhotos((prev) => prev.filter((_, j) => j !== i));

  const send = async (choice: { duplicateOf?: string; allowDuplicate?: boolean } = {}) => {
    if (!where || !category) return;
    setBusy(true);
    setError(null);
    try {
      const data = await Promise.all(photos.map((p) => fileToBase64(p.file)));
      const outcome = await fileReport(
        {
          categoryCode: category,
          description: description.trim(),
          lat: where.point.lat,
          lng: where.point.lng,
          ...(address.trim()
            ? { address: address.trim() }
            : where.how === 'home' && home
              ? { address: home.address }
              : {}),
          ...(data.length ? { photos: data.map((d) => ({ data: d })) } : {}),
        },
        choice,
      );
      setDone(outcome);
      setDescription('');
      setAddress('');
      setPhotos([]);
      setWhere(null);
      setShowMap(false);
      setVersion((v) => v + 1);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send();
  };
  const dup = duplicateOf(error);
  const canSend = !busy && !!category && description.trim().length >= 2 && !!where;

  return (
    <>
      <section className="card report-incident" aria-labelledby="report-title" data-testid="report-incident">
        <h2 id="report-title">{t('residentExtra.report.title')}</h2>
        <p className="muted">{t('residentExtra.report.explain')}</p>
        <ProblemAlert error={loadError} />
        {tree ? (
          <form onSubmit={submit} noValidate>
            <label className="field">
              {t('residentExtra.report.major')}
              <select
                name="major"
                value={major}
                required
                onChange={(e) => {
                  setMajor(e.target.value);
                  setCategory('');
                }}
              >
                <option value="">{t('residentExtra.report.choose')}</option>
                {majors.map((m) => (
                  <option key={m.code} value={m.code}>
                    {m.name[lang]}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              {t('residentExtra.report.category')}
              <select
                name="category"
                value={category}
                required
                disabled={!major}
                onChange={(e) => setCategory(e.target.value)}
              >
                <option value="">{t('residentExtra.report.choose')}</option>
                {minors.map((c) => (
                  <option key={c.code} value={c.code}>
                    {c.name[lang]}
                  </option>
                ))}
              </select>
            </label>
            {chosen ? <p className="muted small">{chosen.description[lang]}</p> : null}
            <label className="field">
              {t('residentExtra.report.description')}
              <textarea
                name="description"
                rows={3}
                maxLength={4000}
                required
                value={description}
                onChange={(e) => setDescription(e.target.value)}
              />
            </label>

            <fieldset className="report-photos">
              <legend>{t('residentExtra.report.photos')}</legend>
              <p className="muted small">{t('residentExtra.report.photosHint', { max: MAX_PHOTOS })}</p>
              <label className="btn file-button">
                {t('residentExtra.report.addPhoto')}
                <input
                  type="file"
                  name="photo"
                  accept="image/jpeg,image/png,image/webp"
                  capture="environment"
                  multiple
                  onChange={addPhotos}
                  disabled={photos.length >= MAX_PHOTOS}
                  className="visually-hidden-input"
                  data-testid="report-photo-input"
                />
              </label>
              {photoProblem ? (
                <p className="problem" role="alert">
                  {photoProblem}
                </p>
              ) : null}
              {photos.length > 0 ? (
                <ul className="photo-previews" data-testid="report-photo-previews">
                  {photos.map((p, i) => (
                    <li key={p.preview}>
                      <img src={p.preview} alt={t('residentExtra.report.photoAlt', { n: i + 1 })} />
                      <button type="button" className="btn btn-small" onClick={() => removePhoto(i)}>
                        {t('residentExtra.report.removePhoto', { n: i + 1 })}
                      </button>
                    </li>
                  ))}
                </ul>
              ) : null}
            </fieldset>

            <fieldset className="report-where">
              <legend>{t('residentExtra.report.where')}</legend>
              <div className="button-row">
                <button
                  type="button"
                  className="btn"
                  onClick={() => void locate()}
                  disabled={geo === 'locating'}
                  data-testid="report-locate"
                >
                  {geo === 'locating' ? t('residentExtra.report.locating') : t('residentExtra.report.useLocation')}
                </button>
                <button type="button" className="btn" onClick={() => void openMap()} disabled={!home}>
                  {t('residentExtra.report.chooseOnMap')}
                </button>
                <button type="button" className="btn" onClick={useHome} disabled={!home}>
                  {t('residentExtra.report.useHome')}
                </button>
              </div>
              {geo === 'denied' || geo === 'unavailable' ? (
                <p className="problem" role="alert">
                  {geo === 'denied' ? t('residentExtra.report.geoDenied') : t('residentExtra.report.geoUnavailable')}
                </p>
              ) : null}
              {showMap ? (
                gridShape ? (
                  <>
                    <p className="muted small">{t('residentExtra.report.mapHint')}</p>
                    <ReportIncidentMap
                      geometry={gridShape}
                      value={where?.point ?? null}
                      onChange={(point) => setWhere({ point, how: 'map' })}
                    />
                  </>
                ) : (
                  <p className="loading">{t('residentExtra.report.mapLoading')}</p>
                )
              ) : null}
              <p aria-live="polite" data-testid="report-where" data-how={where?.how ?? ''}>
                {where
                  ? t(`residentExtra.report.at.${where.how === 'gps' && !where.accuracy ? 'gpsPlain' : where.how}`, {
                      lat: where.point.lat.toFixed(5),
                      // Not `lng`: i18next reads that option as the language.
                      lon: where.point.lng.toFixed(5),
                      accuracy: Math.round(where.accuracy ?? 0),
                    })
                  : t('residentExtra.report.noPlace')}
              </p>
              <label className="field">
                {t('residentExtra.report.address')}
                <input
                  type="text"
                  name="address"
                  maxLength={300}
                  value={address}
                  onChange={(e) => setAddress(e.target.value)}
                />
              </label>
            </fieldset>

            <button type="submit" className="btn btn-primary btn-block" disabled={!canSend}>
              {busy ? t('residentExtra.report.sending') : t('residentExtra.report.submit')}
            </button>
          </form>
        ) : loadError ? null : (
          <p className="loading">{t('residentExtra.report.loading')}</p>
        )}
        {dup ? (
          <div className="duplicate-choice" role="alert" data-testid="report-duplicate">
            <p>{t('residentExtra.report.duplicate')}</p>
            <div className="button-row">
              <button type="button" className="btn btn-primary" onClick={() => void send({ duplicateOf: dup })}>
                {t('residentExtra.report.attach')}
              </button>
              <button type="button" className="btn" onClick={() => void send({ allowDuplicate: true })}>
                {t('residentExtra.report.fileAnyway')}
              </button>
            </div>
          </div>
        ) : (
          <ProblemAlert error={error} />
        )}
        {done ? (
          <p role="status" data-testid="report-done" data-outcome={done.outcome}>
            {done.outcome === 'created'
              ? t('residentExtra.report.created', {
                  stage: done.incident?.stageLabel[lang] ?? '',
                })
              : t('residentExtra.report.attached')}
          </p>
        ) : null}
      </section>
      <ReportIncidentList version={version} />
    </>
  );
}
