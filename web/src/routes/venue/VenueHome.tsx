import { useTranslation } from 'react-i18next';
import { ComingWithApi } from '../../components/ComingWithApi.tsx';
import { ScreenTitle } from '../../components/ScreenTitle.tsx';

export default function VenueHome() {
  const { t } = useTranslation();
  return (
    <div className="screen mobile-screen" data-testid="screen-venue">
      <ScreenTitle title={t('areas.venue.title')} lead={t('venue.lead')} />
      <ComingWithApi
        title={t('venue.poster.title')}
        apiName={t('apis.scans')}
        endpoints={[]}
        features={[t('venue.poster.f1'), t('venue.poster.f2')]}
      />
    </div>
  );
}
