import { useTranslation } from 'react-i18next';
import { listExposures } from '../../api/exposures.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { ExposureTable } from './ExposureTable.tsx';
import { PurposeNote } from './PurposeNote.tsx';
import { useLoad } from './useLoad.ts';

/** Exposures the search held for a health officer's decision (cases above the review threshold). */
export function ExposureReview() {
  const { t } = useTranslation();
  const { data, error, reload } = useLoad(
    (signal) => listExposures({ purpose: 'tracing', state: 'pending', limit: 500 }, signal).then((r) => r.items),
    [],
  );
  return (
    <section className="card" aria-labelledby="hd-exp-title" data-testid="health-exposures">
      <h2 id="hd-exp-title">{t('healthDesk.exposures.title')}</h2>
      <p className="muted">{t('healthDesk.exposures.explain')}</p>
      <PurposeNote purpose="tracing" />
      <ProblemAlert error={error} />
      {data === null ? (
        error ? null : (
          <p className="muted">{t('healthDesk.loading')}</p>
        )
      ) : (
        <ExposureTable items={data} showCase onDecided={reload} testId="pending-exposures" />
      )}
    </section>
  );
}
