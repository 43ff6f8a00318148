import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ScreenTitle } from '../../components/ScreenTitle.tsx';
import { LocateMyGrid } from './LocateMyGrid.tsx';
import { MyCode } from './MyCode.tsx';
import { MyData } from './MyData.tsx';
import { ReportIncident } from './ReportIncident.tsx';
import { SymptomCheckIn } from './SymptomCheckIn.tsx';
import { VenueCheckIn } from './VenueCheckIn.tsx';
import './resident.css';

export default function ResidentHome() {
  const { t } = useTranslation();
  // Bumped when something I did may change my code or my data, so those cards reload.
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);
  return (
    <div className="screen mobile-screen" data-testid="screen-resident">
      <ScreenTitle title={t('areas.resident.title')} lead={t('resident.lead')} />
      <MyCode version={version} />
      <VenueCheckIn onCheckedIn={changed} />
      <SymptomCheckIn onRecorded={changed} />
      <MyData version={version} onChanged={changed} />
      <LocateMyGrid />
      <ReportIncident />
    </div>
  );
}
