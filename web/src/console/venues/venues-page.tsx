import { useState } from 'preact/hooks';
import { Flash } from '../flash';
import { formatCount } from '../format';
import { useResource } from '../hooks';
import { t } from '../i18n';
import { Icon } from '../icons';
import { adminApi, can } from '../session';
import type { VenueSummary } from '../types';
import { Empty, ErrorNotice, Loading, PageHeader } from '../ui';

export function VenuesPage() {
  const [archived, setArchived] = useState(false);
  const venues = useResource(
    (signal) => adminApi<{ venues: VenueSummary[] }>(`/api/admin/venues${archived ? '?includeArchived=true' : ''}`, { signal }),
    [archived],
  );
  return (
    <>
      <PageHeader
        title={t('venues.title')}
        subtitle={t('venues.subtitle')}
        actions={
          <>
            <label class="checkbox small">
              <input type="checkbox" checked={archived} data-testid="venues-show-archived" onChange={(e) => setArchived(e.currentTarget.checked)} />{' '}
              {t('catalog.showArchived')}
            </label>
            {can('venues.write') && (
              <a class="btn btn-primary" href="/console/venues/new" data-testid="venue-new">
                <Icon name="plus" /> {t('venues.import')}
              </a>
            )}
          </>
        }
      />
      <Flash />
      <ErrorNotice error={venues.error} />
      {venues.loading && !venues.data && <Loading />}
      {venues.data && venues.data.venues.length === 0 && (
        <Empty title={t('venues.emptyTitle')}>
          <p>{t('venues.emptyText')}</p>
          {can('venues.write') && (
            <a class="btn btn-primary" href="/console/venues/new">
              {t('venues.import')}
            </a>
          )}
        </Empty>
      )}
      {venues.data && venues.data.venues.length > 0 && (
        <div class="card card-flush">
          <table class="table" data-testid="venues-table">
            <thead>
              <tr>
                <th>{t('catalog.colName')}</th>
                <th class="num">{t('venues.colSeats')}</th>
                <th class="num">{t('venues.colGaPlaces')}</th>
                <th class="num">{t('venues.colCapacity')}</th>
              </tr>
            </thead>
            <tbody>
              {venues.data.venues.map((v) => (
                <tr key={v.id} data-testid="venue-row">
                  <td>
                    <a href={`/console/venues/${v.id}`} class="strong-link" data-user-content>
                      {v.name}
                    </a>
                    {v.archivedAt && <span class="muted small"> · {t('catalog.archivedTag')}</span>}
                  </td>
                  <td class="num">{formatCount(Number(v.seatCount))}</td>
                  <td class="num">{formatCount(Number(v.gaCapacity))}</td>
                  <td class="num">{formatCount(Number(v.seatCount) + Number(v.gaCapacity))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
