import { useTranslation } from 'react-i18next';

const PANELS = [{ id: 'dispatch', apis: ['incidents', 'tasks'] }] as const;

/** Where dispatch will sit. Empty on purpose: its screen is not built yet. */
export function PendingPanels() {
  const { t } = useTranslation();
  return (
    <>
      {PANELS.map((p) => (
        <section
          key={p.id}
          className="panel panel-pending"
          aria-labelledby={`pending-${p.id}`}
          data-testid={`pending-${p.id}`}
        >
          <h2 id={`pending-${p.id}`} className="panel-title">
            {t(`command.pending.${p.id}.title`)}
          </h2>
          <p className="pending-what">{t(`command.pending.${p.id}.what`)}</p>
          <p className="pending-note">
            <span className="tag">{t('command.noSourceYet')}</span>{' '}
            {t('command.pending.waitsFor', { apis: p.apis.map((a) => t(`apis.${a}`)).join(t('common.listSep')) })}
          </p>
        </section>
      ))}
    </>
  );
}
