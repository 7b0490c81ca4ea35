import { formatDate, t, useLocale } from '../../shared/i18n.js';
import { listEvents } from '../catalog.js';
import { LoadError, Loading, PageTitle, StatusBadge, useAsync } from '../ui.js';

/** `/`: every event with its performances and whether they are on sale. */
export function EventsPage() {
  const locale = useLocale();
  const [events, retry] = useAsync(() => listEvents(), [locale]);
  return (
    <>
      <PageTitle title={t('events.title')}>{t('events.title')}</PageTitle>
      {events.state === 'loading' && <Loading />}
      {events.state === 'error' && <LoadError error={events.error} retry={retry} />}
      {events.state === 'ok' && events.value.length === 0 && <p class="empty">{t('events.none')}</p>}
      {events.state === 'ok' && (
        <ul class="cards" role="list">
          {events.value.map((event) => (
            <li key={event.id} class="card event-card" data-testid="event" data-event-slug={event.slug}>
              <h2 class="card-title" lang={event.language}>
                <a href={`/events/${event.slug}`}>{event.title}</a>
              </h2>
              <ul class="performance-list" role="list">
                {event.performances.map((p) => (
                  <li key={p.id} class="performance-row" data-testid="performance" data-performance-id={p.id}>
                    <time dateTime={p.startsAt}>{formatDate(p.startsAt, 'short', p.timeZone)}</time>
                    <StatusBadge status={p.status} />
                    {p.status === 'on_sale' && (
                      <a class="button button-primary button-small" href={`/performances/${p.id}`} data-testid="buy-link">
                        {t('event.buy')}
                        <span class="visually-hidden">{`: ${event.title}, ${formatDate(p.startsAt, 'short', p.timeZone)}`}</span>
                      </a>
                    )}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
