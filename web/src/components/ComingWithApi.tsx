import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The honest placeholder for a screen whose API does not exist yet: what it will do and which endpoints
 * it waits for. It never shows sample data, so nobody mistakes a mock-up for the state of the city.
 */
export function ComingWithApi({
  title,
  apiName,
  endpoints,
  features,
  children,
}: {
  title: string;
  apiName: string;
  endpoints: readonly string[];
  features: readonly string[];
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <section className="coming card" aria-labelledby="coming-title" data-testid="coming-with-api">
      <p className="coming-badge">{t('coming.badge')}</p>
      <h2 id="coming-title">{title}</h2>
      <p>{t('coming.explain', { api: apiName })}</p>
      <h3>{t('coming.willDo')}</h3>
      <ul>
        {features.map((f) => (
          <li key={f}>{f}</li>
        ))}
      </ul>
      {endpoints.length > 0 ? (
        <>
          <h3>{t('coming.waitsFor')}</h3>
          <ul className="endpoints">
            {endpoints.map((e) => (
              <li key={e}>
                <code>{e}</code>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {children}
    </section>
  );
}
