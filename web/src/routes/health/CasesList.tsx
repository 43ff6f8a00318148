import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { listCases } from '../../api/cases.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { shortId } from '../../components/TransmissionGraph.tsx';
import { useLanguage } from '../../i18n/format.ts';
import { Link } from '../../router.tsx';
import { formatDate } from './format.ts';
import { PurposeNote } from './PurposeNote.tsx';
import { useLoad } from './useLoad.ts';

type Filter = 'open' | 'closed' | 'all';

/** Cases in my jurisdiction, newest first. Listing them is an audited read of each person, for contact tracing. */
export function CasesList() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [filter, setFilter] = useState<Filter>('open');
  const { data, error } = useLoad(
    (signal) =>
      listCases({ purpose: 'tracing', ...(filter === 'all' ? {} : { state: filter }) }, signal).then((r) => r.items),
    [filter],
  );
  return (
    <section className="card" aria-labelledby="hd-cases-title" data-testid="health-cases">
      <h2 id="hd-cases-title">{t('healthDesk.cases.title')}</h2>
      <PurposeNote purpose="tracing" />
      <fieldset className="hd-segmented">
        <legend>{t('healthDesk.cases.show')}</legend>
        {(['open', 'closed', 'all'] as const).map((f) => (
          <label key={f}>
            <input type="radio" name="case-filter" value={f} checked={filter === f} onChange={() => setFilter(f)} />
            {t(`healthDesk.cases.filter.${f}`)}
          </label>
        ))}
      </fieldset>
      <ProblemAlert error={error} />
      {data === null ? (
        error ? null : (
          <p className="muted">{t('healthDesk.loading')}</p>
        )
      ) : data.length === 0 ? (
        <p className="muted">{t('healthDesk.cases.none')}</p>
      ) : (
        <div className="hd-table-wrap">
          <table className="hd-table">
            <caption className="visually-hidden">{t('healthDesk.cases.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('healthDesk.cases.case')}</th>
                <th scope="col">{t('healthDesk.cases.state')}</th>
                <th scope="col">{t('healthDesk.cases.opened')}</th>
                <th scope="col">{t('healthDesk.cases.specimen')}</th>
                <th scope="col">{t('healthDesk.cases.onset')}</th>
                <th scope="col">{t('healthDesk.cases.grid')}</th>
                <th scope="col">{t('healthDesk.cases.contacts')}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((c) => (
                <tr key={c.id} data-case={c.id}>
                  <th scope="row">
                    <Link to={`/health/cases/${c.id}`} className="mono">
                      {t('healthDesk.graph.caseNode', { id: shortId(c.id) })}
                    </Link>
                  </th>
                  <td>
                    <span className={`hd-badge hd-badge-${c.state}`}>{t(`healthDesk.cases.stateName.${c.state}`)}</span>
                  </td>
                  <td>{formatDate(c.openedAt, lang)}</td>
                  <td>{formatDate(c.specimenAt, lang)}</td>
                  <td>{c.onsetAt ? formatDate(c.onsetAt, lang) : t('healthDesk.cases.noOnset')}</td>
                  <td className="mono">{c.gridCode}</td>
                  <td>
                    {t('healthDesk.cases.contactCounts', {
                      confirmed: c.contacts.confirmed,
                      pending: c.contacts.pending,
                      dismissed: c.contacts.dismissed,
                    })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
