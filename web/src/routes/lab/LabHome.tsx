import { useTranslation } from 'react-i18next';
import { ComingWithApi } from '../../components/ComingWithApi.tsx';
import { ScreenTitle } from '../../components/ScreenTitle.tsx';

export default function LabHome() {
  const { t } = useTranslation();
  return (
    <div className="screen desk-screen" data-testid="screen-lab">
      <ScreenTitle title={t('areas.lab.title')} lead={t('lab.lead')} />
      <ComingWithApi
        title={t('lab.results.title')}
        apiName={t('apis.labs')}
        endpoints={[]}
        features={[t('lab.results.f1'), t('lab.results.f2')]}
      />
    </div>
  );
}
