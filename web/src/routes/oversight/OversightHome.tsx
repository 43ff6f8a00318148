import { useTranslation } from 'react-i18next';
import type { StaffRole } from '../../api/types.ts';
import { ScreenTitle } from '../../components/ScreenTitle.tsx';
import { Link, usePath, segments } from '../../router.tsx';
import { useSession } from '../../session/SessionContext.tsx';
import { Anomalies } from './Anomalies.tsx';
import { AuditLog } from './AuditLog.tsx';
import { Certificates } from './Certificates.tsx';
import { ChainStatus } from './ChainStatus.tsx';
import { Emergencies } from './Emergencies.tsx';
import { ExportApprovals } from './ExportApprovals.tsx';
import '../transparency/transparency.css';
import './oversight.css';

type Tab = 'audit' | 'anomalies' | 'exports' | 'certificates' | 'emergencies';

// Who may use which desk follows the server's policy: auditors read the log and flags and countersign; exports are
// approved by an auditor or a second administrator; emergencies are declared by administrators, read by everyone.
const TABS: ReadonlyArray<{ id: Tab; roles: readonly StaffRole[] }> = [
  { id: 'audit', roles: ['auditor'] },
  { id: 'anomalies', roles: ['auditor'] },
  { id: 'exports', roles: ['auditor', 'admin'] },
  { id: 'certificates', roles: ['auditor', 'admin'] },
  { id: 'emergencies', roles: ['auditor', 'admin'] },
];

export default function OversightHome() {
  const { t } = useTranslation();
  const path = usePath();
  const me = useSession().session?.principal;
  if (me?.kind !== 'staff') return null;
  const tabs = TABS.filter((x) => x.roles.includes(me.role));
  const wanted = segments(path)[1];
  const tab = tabs.find((x) => x.id === wanted)?.id ?? tabs[0]?.id ?? 'emergencies';
  return (
    <div className="screen desk-screen oversight" data-testid="screen-oversight">
      <ScreenTitle title={t('areas.oversight.title')} lead={t('oversight.lead')}>
        <p className="oversight-links">
          <Link to="/command">{t('oversight.openMap')}</Link>
          <Link to="/transparency">{t('oversightDesk.transparency.title')}</Link>
        </p>
      </ScreenTitle>
      <nav aria-label={t('oversightDesk.nav')} className="oversight-nav">
        {tabs.map((x) => (
          <Link
            key={x.id}
            to={`/oversight/${x.id}`}
            aria-current={x.id === tab ? 'page' : undefined}
            data-testid={`oversight-tab-${x.id}`}
          >
            {t(`oversightDesk.tabs.${x.id}`)}
          </Link>
        ))}
      </nav>
      {tab === 'audit' ? (
        <>
          <ChainStatus />
          <AuditLog />
        </>
      ) : tab === 'anomalies' ? (
        <Anomalies />
      ) : tab === 'exports' ? (
        <ExportApprovals myId={me.id} />
      ) : tab === 'certificates' ? (
        <Certificates me={me} />
      ) : (
        <Emergencies canDeclare={me.role === 'admin'} />
      )}
    </div>
  );
}
