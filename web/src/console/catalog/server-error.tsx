import { ApiError } from '../../shared/api';
import { formatCount } from '../format';
import { t, tp } from '../i18n';
import { ErrorNotice, Notice } from '../ui';

const detailsOf = (error: ApiError) => (typeof error.body.error === 'object' && error.body.error ? error.body.error : {}) as Record<string, unknown>;
const count = (value: unknown) => Number(value) || 0;

/**
 * A refusal of the catalogue's routes (venues, events, performances, price categories) in the
 * console's language, from the server's stable `code` and the counts it sends with it; null for a
 * code these pages do not expect (its server message is then shown as data).
 */
export function catalogErrorText(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  const d = detailsOf(error);
  // A row another table still names: the same codes as the refusals below, with the table instead of counts.
  if (error.code.endsWith('_in_use') && typeof d.table === 'string') return t('catalog.refusal.inUse', { table: d.table.replace(/_/g, ' ') });
  switch (error.code) {
    case 'event_has_orders':
      return tp('catalog.refusal.eventOrders', count(d.orders), { paid: formatCount(count(d.paid)) });
    case 'performance_has_orders':
      return tp('catalog.refusal.performanceOrders', count(d.orders), { paid: formatCount(count(d.paid)) });
    case 'event_has_holds':
      return tp('catalog.refusal.eventHolds', count(d.activeHolds));
    case 'performance_has_holds':
      return tp('catalog.refusal.performanceHolds', count(d.activeHolds));
    case 'performance_has_sales':
      return tp('catalog.refusal.performanceSales', count(d.paid));
    case 'venue_in_use':
      // Deleting names the performances there and their paid orders; archiving, those still selling.
      return d.paid !== undefined
        ? tp('catalog.refusal.venuePerformances', count(d.performances), { paid: formatCount(count(d.paid)) })
        : tp('catalog.refusal.venueSelling', count(d.performances));
    case 'invalid_transition':
      return d.status === 'cancelled' ? t('catalog.refusal.alreadyCancelled') : null;
    case 'duplicate':
      return d.field === 'name' ? t('events.error.duplicateCategory') : t('events.error.duplicateEvent');
    case 'invalid_time_zone':
      return t('venues.zone.iana');
    case 'empty_venue':
      return t('venues.error.empty');
    case 'duplicate_seat':
      return t('venues.error.duplicateSeat');
    case 'duplicate_ga_area':
      return t('venues.error.duplicateArea');
    case 'translation_is_default':
      return t('events.error.translationIsDefault');
    case 'invalid_language':
      return t('events.error.language');
    case 'event_not_found':
    case 'venue_not_found':
    case 'performance_not_found':
    case 'price_category_not_found':
      return t('catalog.error.gone');
    case 'forbidden':
      return t('catalog.error.forbidden');
    default:
      return null;
  }
}

/** For a confirm dialog (it shows what is thrown): a known refusal becomes its translated text. */
export function translated(error: unknown): unknown {
  const text = catalogErrorText(error);
  return text ? new Error(text) : error;
}

/**
 * The server's refusal under a title of the page's own: translated when its code is known;
 * otherwise the server's English message is shown as data, with the field it names.
 */
export function ServerError(props: { error: unknown; title: string; testid?: string }) {
  const { error } = props;
  if (!error) return null;
  const text = catalogErrorText(error);
  if (!(error instanceof ApiError) || error.code === 'network' || error.code === 'route_not_found')
    return <ErrorNotice error={text ? new Error(text) : error} title={props.title} testid={props.testid} />;
  const field = detailsOf(error).field;
  return (
    <Notice tone="error" title={props.title} testid={props.testid ?? 'error'}>
      {text ? <p>{text}</p> : <p data-user-content>{error.message || t('ui.requestFailed', { status: error.status })}</p>}
      {typeof field === 'string' && field && (
        <p>
          {t('ui.field')} <code data-user-content>{field}</code>
        </p>
      )}
      <p class="muted small" data-user-content>
        {error.code} · HTTP {error.status}
      </p>
    </Notice>
  );
}
