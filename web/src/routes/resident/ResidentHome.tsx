import { useTranslation } from 'react-i18next';
import { ComingWithApi } from '../../components/ComingWithApi.tsx';
import { ScreenTitle } from '../../components/ScreenTitle.tsx';
import { LocateMyGrid } from './LocateMyGrid.tsx';

export default function ResidentHome() {
  const { t } = useTranslation();
  return (
    <div className="screen mobile-screen" data-testid="screen-resident">
      <ScreenTitle title={t('areas.resident.title')} lead={t('resident.lead')} />
      <ComingWithApi
        title={t('resident.code.title')}
        apiName={t('apis.status')}
        endpoints={['GET /api/v1/me/code']}
        features={[t('resident.code.f1'), t('resident.code.f2'), t('resident.code.f3')]}
      />
      <LocateMyGrid />
      <ComingWithApi
        title={t('resident.checkIn.title')}
        apiName={t('apis.scans')}
        endpoints={[]}
        features={[t('resident.checkIn.f1'), t('resident.checkIn.f2')]}
      />
      <ComingWithApi
        title={t('resident.report.title')}
        apiName={t('apis.incidents')}
        endpoints={[]}
        features={[t('resident.report.f1')]}
      />
      <ComingWithApi
        title={t('resident.myData.title')}
        apiName={t('apis.accountability')}
        endpoints={[]}
        features={[t('resident.myData.f1'), t('resident.myData.f2'), t('resident.myData.f3')]}
      />
    </div>
  );
}
