import { useState } from 'preact/hooks';
import { Flash } from '../flash';
import { formatDateTime, plural } from '../format';
import { useResource } from '../hooks';
import { Icon } from '../icons';
import { can } from '../session';
import { Badge, Empty, ErrorNotice, Loading, PageHeader } from '../ui';
import { loadEvents } from './events-api';

export function EventsPage() {
  const [archived, setArchived] = useState(false);
  const events = useResource((signal) => loadEvents(signal, archived), [archived]);
  return (
    <>
      <PageHeader
        title="Events"
        subtitle="What is sold, with its performances. Open a performance for its sales controls and live dashboard."
        actions={
          <>
            <label class="checkbox small">
              <input type="checkbox" checked={archived} data-testid="events-show-archived" onChange={(e) => setArchived(e.currentTarget.checked)} /> Show
              archived
            </label>
            {can('events.write') && (
              <a class="btn btn-primary" href="/console/events/new" data-testid="event-new">
                <Icon name="plus" /> New event
              </a>
            )}
          </>
        }
      />
      <Flash />
      <ErrorNotice error={events.error} />
      {events.loading && !events.data && <Loading />}
      {events.data?.length === 0 && (
        <Empty title="No events yet">
          <p>Create an event with its price categories, then add performances at a venue.</p>
          {can('events.write') && (
            <a class="btn btn-primary" href="/console/events/new">
              New event
            </a>
          )}
        </Empty>
      )}
      <div class="stack">
        {events.data?.map((event) => (
          <section class="card card-flush" key={event.id} data-testid="event-card">
            <div class="card-header card-header-padded">
              <div>
                <h2>
                  <a href={`/console/events/${event.id}`} class="strong-link">
                    {event.title}
                  </a>
                </h2>
                <p class="muted small">
                  /{event.slug} · {plural(event.performances.length, 'performance')}
                  {event.archivedAt && ' · archived'}
                </p>
              </div>
              <div class="card-actions">
                <a class="btn btn-secondary btn-sm" href={`/console/events/${event.id}`}>
                  {can('events.write') ? 'Edit event' : 'Open event'}
                </a>
                {can('events.write') && (
                  <a class="btn btn-secondary btn-sm" href={`/console/events/${event.id}/performances/new`}>
                    <Icon name="plus" size={16} /> Performance
                  </a>
                )}
              </div>
            </div>
            {event.performances.length > 0 ? (
              <table class="table table-fixed">
                <thead>
                  <tr>
                    <th class="col-when">Performance</th>
                    {event.performances.some((p) => p.venueName) && <th>Venue</th>}
                    <th class="col-status">Status</th>
                    <th class="col-actions">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {event.performances.map((p) => (
                    <tr key={p.id} data-testid="performance-row">
                      <td>
                        <a href={`/console/events/${event.id}/performances/${p.id}`}>{formatDateTime(p.startsAt, p.timeZone)}</a>
                      </td>
                      {event.performances.some((q) => q.venueName) && <td>{p.venueName ?? ''}</td>}
                      <td>
                        <Badge status={p.status} />
                        {p.archivedAt && <Badge status="archived" label="Archived" />}
                      </td>
                      <td class="actions-col">
                        <a class="btn btn-ghost btn-sm" href={`/console/events/${event.id}/performances/${p.id}`} data-testid="performance-open-dashboard">
                          Sales dashboard →
                        </a>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p class="card-note muted">No performances yet.</p>
            )}
          </section>
        ))}
      </div>
    </>
  );
}
