import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { checkInAt, getMyScans, type MyScan } from '../../api/me.ts';
import { CameraScanner } from '../../components/CameraScanner.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { placeName } from './place-name.ts';
import { useLanguage } from '../../i18n/format.ts';

type State =
  | { kind: 'idle' }
  | { kind: 'scanning' }
  | { kind: 'sending' }
  | { kind: 'done'; scan: MyScan | null; duplicate: boolean }
  | { kind: 'rejected'; message: string }
  | { kind: 'error'; error: unknown };

const isPlaceCode = (text: string) => text.startsWith('TSP1:');

/** Scan a venue poster (TSP1 code) with the camera: the server checks the signature and records the visit. */
export function VenueCheckIn({ onCheckedIn }: { onCheckedIn: () => void }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [state, setState] = useState<State>({ kind: 'idle' });

  const send = async (placeCode: string) => {
    setState({ kind: 'sending' });
    try {
      const item = await checkInAt(placeCode);
      if (item.status === 'rejected') return setState({ kind: 'rejected', message: item.error?.message ?? '' });
      const mine = await getMyScans();
      setState({
        kind: 'done',
        scan: mine.items.find((s) => s.id === item.scanId) ?? null,
        duplicate: item.status === 'duplicate',
      });
      onCheckedIn();
    } catch (error) {
      setState({ kind: 'error', error });
    }
  };

  return (
    <section className="card" aria-labelledby="venue-title" data-testid="venue-check-in">
      <h2 id="venue-title">{t('resident.checkIn.title')}</h2>
      <p className="muted">{t('resident.checkIn.explain')}</p>
      {state.kind === 'scanning' ? (
        <>
          <CameraScanner accept={isPlaceCode} onCode={(c) => void send(c)} />
          <button type="button" className="btn btn-block" onClick={() => setState({ kind: 'idle' })}>
            {t('camera.stop')}
          </button>
        </>
      ) : (
        <button
          type="button"
          className="btn btn-primary btn-block"
          disabled={state.kind === 'sending'}
          onClick={() => setState({ kind: 'scanning' })}
        >
          {state.kind === 'sending' ? t('resident.checkIn.sending') : t('resident.checkIn.scan')}
        </button>
      )}
      {state.kind === 'done' ? (
        <p role="status" className="check-in-done" data-testid="check-in-done">
          {t('resident.checkIn.done', { place: state.scan ? placeName(state.scan.place, lang) : '—' })}
        </p>
      ) : null}
      {state.kind === 'rejected' ? (
        <div role="alert" className="problem">
          <strong>{t('resident.checkIn.rejected')}</strong>
          <p lang="en" className="problem-detail">
            {state.message}
          </p>
        </div>
      ) : null}
      {state.kind === 'error' ? <ProblemAlert error={state.error} /> : null}
    </section>
  );
}
