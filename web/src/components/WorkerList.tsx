import { useTranslation } from 'react-i18next';

export function WorkerList({ workers }: { workers: ReadonlyArray<{ id: string; displayName: string }> | undefined }) {
  const { t } = useTranslation();
  if (!workers || workers.length === 0) return <p className="muted">{t('grid.noWorkers')}</p>;
  return (
    <ul className="worker-list" data-testid="grid-workers">
      {workers.map((w) => (
        <li key={w.id}>{w.displayName}</li>
      ))}
    </ul>
  );
}
