import { useTranslation } from 'react-i18next';
import { ComingWithApi } from '../../components/ComingWithApi.tsx';
import { ScreenTitle } from '../../components/ScreenTitle.tsx';
import { useSession } from '../../session/SessionContext.tsx';
import { MyGrids } from './MyGrids.tsx';
import { MyTasks } from './MyTasks.tsx';
import './worker.css';

export default function WorkerHome() {
  const { t } = useTranslation();
  const { session } = useSession();
  const me = session?.principal.kind === 'staff' ? session.principal : null;
  return (
    <div className="screen mobile-screen" data-testid="screen-worker">
      <ScreenTitle title={t('areas.worker.title')} lead={t('worker.lead')} />
      {me ? <MyGrids me={me} /> : null}
      <MyTasks />
      <ComingWithApi
        title={t('worker.incidents.title')}
        apiName={t('apis.incidents')}
        endpoints={[]}
        features={[t('worker.incidents.f1'), t('worker.incidents.f2')]}
      />
    </div>
  );
}
