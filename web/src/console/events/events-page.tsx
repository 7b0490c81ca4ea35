import { useState } from 'preact/hooks';
import { Flash } from '../flash';
import { formatDateTime } from '../format';
import { useResource } from '../hooks';
import { t, tp } from '../i18n';
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
        title={t('events.title')}
        subtitle={t('events.subtitle')}
        actions={
          <>
            <label class="checkbox small">
              <input type="checkbox" checked={archived} data-testid="events-show-archived" onChange={(e) => setArchived(e.currentTarget.checked)} />{' '}
              {t('catalog.showArchived')}
            </label>
            {can('events.write') && (
              <a class="btn btn-primary" href="/console/events/new" data-testid="event-new">
                <Icon name="plus" /> {t('events.new')}
              </a>
            )}
          </>
        }
      />
      <Flash />
      <ErrorNotice error={events.error} />
      {events.loading && !events.data && <Loading />}
      {events.data?.length === 0 && (
        <Empty title={t('events.emptyTitle')}>
          <p>{t('events.emptyText')}</p>
          {can('events.write') && (
            <a class="btn btn-primary" href="/console/events/new">
              {t('events.new')}
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
                  <a href={`/console/events/${event.id}`} class="strong-link" data-user-content>
                    {event.title}
                  </a>
                </h2>
                <p class="muted small">
                  /{event.slug} · {tp('events.performances', event.performances.length)}
                  {event.archivedAt && ` · ${t('catalog.archivedTag')}`}
                </p>
              </div>
              <div class="card-actions">
                <a class="btn btn-secondary btn-sm" href={`/console/events/${event.id}`}>
                  {can('events.write') ? t('events.edit') : t('events.open')}
                </a>
                {can('events.write') && (
                  <a class="btn btn-secondary btn-sm" href={`/console/events/${event.id}/performances/new`}>
                    <Icon name="plus" size={16} /> {t('events.performance')}
                  </a>
                )}
              </div>
            </div>
            {event.performances.length > 0 ? (
              <table class="table table-fixed">
                <thead>
                  <tr>
                    <th class="col-when">{t('events.colPerformance')}</th>
                    {event.performances.some((p) => p.venueName) && <th>{t('events.colVenue')}</th>}
                    <th class="col-status">{t('events.colStatus')}</th>
                    <th class="col-actions">
                      <span class="visually-hidden">{t('events.colActions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {event.performances.map((p) => (
                    <tr key={p.id} data-testid="performance-row">
                      <td>
                        <a href={`/console/events/${event.id}/performances/${p.id}`}>{formatDateTime(p.startsAt, p.timeZone)}</a>
                      </td>
                      {event.performances.some((q) => q.venueName) && <td data-user-content>{p.venueName ?? ''}</td>}
                      <td>
                        <Badge of="performance" status={p.status} />
                        {p.archivedAt && <Badge status="archived" label={t('catalog.archived')} />}
                      </td>
                      <td class="actions-col">
                        <a class="btn btn-ghost btn-sm" href={`/console/events/${event.id}/performances/${p.id}`} data-testid="performance-open-dashboard">
                          {t('events.dashboard')}
                        </a>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p class="card-note muted">{t('events.noPerformances')}</p>
            )}
          </section>
        ))}
      </div>
    </>
  );
}
