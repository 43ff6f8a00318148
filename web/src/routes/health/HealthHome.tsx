import { useTranslation } from 'react-i18next';
import { ComingWithApi } from '../../components/ComingWithApi.tsx';
import { ScreenTitle } from '../../components/ScreenTitle.tsx';
import { Link } from '../../router.tsx';
import { useSession } from '../../session/SessionContext.tsx';
import { PendingOverrides } from './PendingOverrides.tsx';

export default function HealthHome() {
  const { t } = useTranslation();
  const me = useSession().session?.principal;
  return (
    <div className="screen desk-screen" data-testid="screen-health">
      <ScreenTitle title={t('areas.health.title')} lead={t('health.lead')}>
        <p>
          <Link to="/command">{t('health.openMap')}</Link>
        </p>
      </ScreenTitle>
      {me?.kind === 'staff' ? <PendingOverrides myId={me.id} /> : null}
      <div className="card-grid">
        <ComingWithApi
          title={t('health.cases.title')}
          apiName={t('apis.tracing')}
          endpoints={[]}
          features={[t('health.cases.f1'), t('health.cases.f2'), t('health.cases.f3'), t('health.cases.f4')]}
        />
        <ComingWithApi
          title={t('health.rules.title')}
          apiName={t('apis.status')}
          endpoints={[]}
          features={[t('health.rules.f1'), t('health.rules.f2')]}
        />
      </div>
    </div>
  );
}
