import { useTranslation } from 'react-i18next';
import { ScreenTitle } from '../../components/ScreenTitle.tsx';
import { Link, segments, usePath } from '../../router.tsx';
import { useSession } from '../../session/SessionContext.tsx';
import { AppealReview } from './AppealReview.tsx';
import { CaseDetail } from './CaseDetail.tsx';
import { CasesList } from './CasesList.tsx';
import { ExposureReview } from './ExposureReview.tsx';
import { PendingOverrides } from './PendingOverrides.tsx';
import { RiskAreas } from './RiskAreas.tsx';
import { RuleSets } from './RuleSets.tsx';
import './health.css';

const TABS = [
  { id: 'overrides', path: '/health' },
  { id: 'cases', path: '/health/cases' },
  { id: 'exposures', path: '/health/exposures' },
  { id: 'appeals', path: '/health/appeals' },
  { id: 'risk-areas', path: '/health/risk-areas' },
  { id: 'rules', path: '/health/rules' },
] as const;
type TabId = (typeof TABS)[number]['id'];

export default function HealthHome() {
  const { t } = useTranslation();
  const me = useSession().session?.principal;
  const [, section, id] = segments(usePath());
  const tab: TabId = TABS.find((x) => x.id === section)?.id ?? 'overrides';
  const myId = me?.kind === 'staff' ? me.id : '';
  return (
    <div className="screen desk-screen hd-desk" data-testid="screen-health">
      <ScreenTitle title={t('areas.health.title')} lead={t('health.lead')}>
        <p>
          <Link to="/command">{t('health.openMap')}</Link>
        </p>
      </ScreenTitle>
      <nav aria-label={t('healthDesk.nav.label')} className="hd-tabs">
        <ul>
          {TABS.map((x) => (
            <li key={x.id}>
              <Link to={x.path} aria-current={x.id === tab ? 'page' : undefined} data-testid={`health-tab-${x.id}`}>
                {t(`healthDesk.nav.${x.id}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {tab === 'overrides' ? myId ? <PendingOverrides myId={myId} /> : null : null}
      {tab === 'cases' ? id ? <CaseDetail key={id} caseId={id} /> : <CasesList /> : null}
      {tab === 'exposures' ? <ExposureReview /> : null}
      {tab === 'appeals' ? <AppealReview myId={myId} /> : null}
      {tab === 'risk-areas' ? <RiskAreas /> : null}
      {tab === 'rules' ? <RuleSets /> : null}
    </div>
  );
}
