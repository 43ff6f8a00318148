import { useTranslation } from 'react-i18next';
import { ComingWithApi } from '../../components/ComingWithApi.tsx';
import { ScreenTitle } from '../../components/ScreenTitle.tsx';

export default function CheckpointHome() {
  const { t } = useTranslation();
  return (
    <div className="screen mobile-screen" data-testid="screen-checkpoint">
      <ScreenTitle title={t('areas.checkpoint.title')} lead={t('checkpoint.lead')} />
      <ComingWithApi
        title={t('checkpoint.scan.title')}
        apiName={t('apis.codes')}
        endpoints={[]}
        features={[t('checkpoint.scan.f1'), t('checkpoint.scan.f2'), t('checkpoint.scan.f3'), t('checkpoint.scan.f4')]}
      />
    </div>
  );
}
