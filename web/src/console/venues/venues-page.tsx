import { useState } from 'preact/hooks';
import { Flash } from '../flash';
import { formatCount } from '../format';
import { useResource } from '../hooks';
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
        title="Venues"
        subtitle="Places with a seat map: sections, rows and seats, and GA areas."
        actions={
          <>
            <label class="checkbox small">
              <input type="checkbox" checked={archived} data-testid="venues-show-archived" onChange={(e) => setArchived(e.currentTarget.checked)} /> Show
              archived
            </label>
            {can('venues.write') && (
              <a class="btn btn-primary" href="/console/venues/new" data-testid="venue-new">
                <Icon name="plus" /> Import a venue
              </a>
            )}
          </>
        }
      />
      <Flash />
      <ErrorNotice error={venues.error} />
      {venues.loading && !venues.data && <Loading />}
      {venues.data && venues.data.venues.length === 0 && (
        <Empty title="No venues yet">
          <p>Import a seat map from a CSV or JSON file to create the first one.</p>
          {can('venues.write') && (
            <a class="btn btn-primary" href="/console/venues/new">
              Import a venue
            </a>
          )}
        </Empty>
      )}
      {venues.data && venues.data.venues.length > 0 && (
        <div class="card card-flush">
          <table class="table" data-testid="venues-table">
            <thead>
              <tr>
                <th>Name</th>
                <th class="num">Seats</th>
                <th class="num">GA places</th>
                <th class="num">Capacity</th>
              </tr>
            </thead>
            <tbody>
              {venues.data.venues.map((v) => (
                <tr key={v.id} data-testid="venue-row">
                  <td>
                    <a href={`/console/venues/${v.id}`} class="strong-link">
                      {v.name}
                    </a>
                    {v.archivedAt && <span class="muted small"> · archived</span>}
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
