import { useTranslation } from 'react-i18next';
import { ScreenTitle } from '../../components/ScreenTitle.tsx';
import { useSession } from '../../session/SessionContext.tsx';
import { CampaignProgress } from './CampaignProgress.tsx';
import { MyGrids } from './MyGrids.tsx';
import { MyIncidents } from './MyIncidents.tsx';
import { MyTasks } from './MyTasks.tsx';
import './worker.css';

export default function WorkerHome() {
  const { t } = useTranslation();
  const { session } = useSession();
  const me = session?.principal.kind === 'staff' ? session.principal : null;
  return (
    <div className="screen mobile-screen" data-testid="screen-worker">
      <ScreenTitle title={t('areas.worker.title')} lead={t('worker.lead')} />
      <MyIncidents />
      <MyTasks />
      <CampaignProgress />
      {me ? <MyGrids me={me} /> : null}
    </div>
  );
}
