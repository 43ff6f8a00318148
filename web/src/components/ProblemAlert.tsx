import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/problem.ts';

/** Shows an API problem: a translated summary by status, then the server's own detail (in English) verbatim. */
export function ProblemAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const status = error instanceof ApiError ? error.status : -1;
  const summary =
    status === 0
      ? t('problem.network')
      : status === 401
        ? t('problem.unauthorized')
        : status === 403
          ? t('problem.forbidden')
          : status === 404
            ? t('problem.notFound')
            : status >= 400 && status < 500
              ? t('problem.invalid')
              : t('problem.server');
  const detail = error instanceof ApiError ? error.detail : error instanceof Error ? error.message : String(error);
  return (
    <div className="problem" role="alert">
      <strong>{summary}</strong>
      {detail && detail !== summary ? (
        <p lang="en" className="problem-detail">
          {detail}
        </p>
      ) : null}
      {error instanceof ApiError && error.errors.length > 0 ? (
        <ul lang="en">
          {error.errors.map((e) => (
            <li key={`${e.field}:${e.message}`}>
              <code>{e.field}</code> {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
