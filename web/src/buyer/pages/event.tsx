import { useEffect } from 'preact/hooks';
import { formatDate, formatMoney, t, tp, useLocale } from '../../shared/i18n.js';
import { PerformancePage } from '../lazy-pages.js';
import { getEvent } from '../catalog.js';
import { isNotFound, LoadError, Loading, PageTitle, StatusBadge, useAsync } from '../ui.js';
import type { EventDetail, EventPerformance } from '../types.js';
import { NotFound } from './not-found.js';

function PerformanceItem({ event, performance: p }: { event: EventDetail; performance: EventPerformance }) {
  const opensLater = p.status === 'scheduled' && p.onSaleAt && Date.parse(p.onSaleAt) > Date.now();
  const zone = p.venue.timeZone;
  return (
    <li class="card performance-card" data-testid="performance" data-performance-id={p.id} data-status={p.status}>
      <div class="performance-when">
        <time dateTime={p.startsAt} class="performance-date">
          {formatDate(p.startsAt, 'day', zone)}
        </time>
        <span class="performance-time" data-testid="performance-time">
          {formatDate(p.startsAt, 'time', zone)}
          {p.doorsAt && <> · {t('event.doors', { time: formatDate(p.doorsAt, 'time', zone, false) })}</>}
        </span>
        <span class="muted">{p.venue.name}</span>
      </div>
      <div class="performance-action">
        <StatusBadge status={p.status} />
        {opensLater && <span class="muted small">{t('event.onSaleFrom', { date: formatDate(p.onSaleAt!, 'short', zone) })}</span>}
        {p.status === 'on_sale' && (
          <a class="button button-primary" href={`/performances/${p.id}`} data-testid="buy-link">
            {t('event.buy')}
            <span class="visually-hidden">{`: ${event.title}, ${formatDate(p.startsAt, 'short', zone)}`}</span>
          </a>
        )}
      </div>
    </li>
  );
}

/** `/events/:slug`: the event, its venues and performances, and a way into each one on sale. */
export function EventPage({ slug }: { slug: string }) {
  const locale = useLocale();
  const [event, retry] = useAsync(() => getEvent(slug), [slug, locale]);
  const onSale = event.state === 'ok' && event.value.performances.some((p) => p.status === 'on_sale');
  useEffect(() => {
    // The fan will most likely tap "buy" next: fetch the seat map's code meanwhile.
    if (onSale) PerformancePage.prefetch().catch(() => {});
  }, [onSale]);

  if (event.state === 'loading') return <Loading />;
  if (event.state === 'error') return isNotFound(event.error) ? <NotFound /> : <LoadError error={event.error} retry={retry} />;
  const e = event.value;
  const venues = [...new Set(e.performances.map((p) => p.venue.name))];
  const prices = e.priceCategories.map((c) => c.price);
  const from = e.priceCategories.find((c) => c.price === Math.min(...prices));
  return (
    <article class="event">
      <nav class="breadcrumb" aria-label={t('nav.breadcrumb')}>
        <a href="/">{t('events.title')}</a>
      </nav>
      <PageTitle title={e.title}>
        <span lang={e.language}>{e.title}</span>
      </PageTitle>
      <p class="lead">
        {venues.join(' · ')}
        {from && <> · {t('event.priceFrom', { price: formatMoney(from.price, from.currency) })}</>}
      </p>
      {e.description && (
        <p class="description" lang={e.language}>
          {e.description}
        </p>
      )}
      <h2>{t('event.performances')}</h2>
      {e.performances.length === 0 && <p class="empty">{t('event.noPerformances')}</p>}
      <ul class="cards" role="list">
        {e.performances.map((p) => (
          <PerformanceItem key={p.id} event={e} performance={p} />
        ))}
      </ul>
      <h2>{t('event.prices')}</h2>
      <ul class="price-list" role="list">
        {e.priceCategories.map((c, i) => (
          <li key={c.id}>
            <span class={`swatch cat-${i % 8}`} aria-hidden="true" />
            <span class="price-name">{c.name}</span>
            <span class="price-amount">{formatMoney(c.price, c.currency)}</span>
          </li>
        ))}
      </ul>
      <p class="muted small">{tp('event.maxPerOrder', e.maxTicketsPerOrder)}</p>
    </article>
  );
}
