import { useTranslation } from 'react-i18next';
import type { AccessPurpose } from '../../api/cases.ts';

/** Tells the officer that opening this view is recorded as a read of each person, and for which purpose. */
export function PurposeNote({ purpose }: { purpose: AccessPurpose }) {
  const { t } = useTranslation();
  return (
    <p className="hd-purpose small" data-purpose={purpose}>
      {t('healthDesk.purpose.note', { purpose: t(`healthDesk.purpose.${purpose}`) })}
    </p>
  );
}
