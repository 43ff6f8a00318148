import { useTranslation } from 'react-i18next';
import { ComingWithApi } from '../../components/ComingWithApi.tsx';
import { ScreenTitle } from '../../components/ScreenTitle.tsx';
import { Link } from '../../router.tsx';

export default function OversightHome() {
  const { t } = useTranslation();
  return (
    <div className="screen desk-screen" data-testid="screen-oversight">
      <ScreenTitle title={t('areas.oversight.title')} lead={t('oversight.lead')}>
        <p>
          <Link to="/command">{t('oversight.openMap')}</Link>
        </p>
      </ScreenTitle>
      <div className="card-grid">
        <ComingWithApi
          title={t('oversight.audit.title')}
          apiName={t('apis.accountability')}
          endpoints={[]}
          features={[t('oversight.audit.f1'), t('oversight.audit.f2'), t('oversight.audit.f3')]}
        />
        <ComingWithApi
          title={t('oversight.transparency.title')}
          apiName={t('apis.accountability')}
          endpoints={[]}
          features={[t('oversight.transparency.f1'), t('oversight.transparency.f2')]}
        />
      </div>
    </div>
  );
}
