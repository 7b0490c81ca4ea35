import { statusLabel } from '../format';
import { t } from '../i18n';
import { useId } from 'preact/hooks';

/** The order list's filters, as the API takes them (`/api/admin/orders` and its CSV export). */
export interface Filters {
  status: string;
  channel: string;
  dateField: 'created' | 'paid';
  /** Days (YYYY-MM-DD) in the console's time zone; `to` is the last day included. */
  from: string;
  to: string;
}

export const emptyFilters: Filters = { status: '', channel: '', dateField: 'created', from: '', to: '' };

/** In the console's language when read (getters), so a language switch shows at once. */
export const STATUSES: Record<string, string> = Object.defineProperties(
  {},
  Object.fromEntries(['paid', 'pending_payment', 'refunded', 'cancelled', 'expired'].map((s) => [s, { enumerable: true, get: () => statusLabel(s) }])),
);
export const CHANNELS: Record<string, string> = Object.defineProperties(
  {},
  Object.fromEntries((['online', 'box_office', 'comp'] as const).map((c) => [c, { enumerable: true, get: () => t(`channel.${c}`) }])),
);

/** A day's start in this browser's time zone, as an instant. */
const dayStart = (day: string, plusDays = 0): string => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays).toISOString();
};

export function filterParams(f: Filters): URLSearchParams {
  const params = new URLSearchParams();
  if (f.status) params.set('status', f.status);
  if (f.channel) params.set('channel', f.channel);
  if (f.from || f.to) params.set('dateField', f.dateField);
  if (f.from) params.set('from', dayStart(f.from));
  if (f.to) params.set('to', dayStart(f.to, 1));
  return params;
}

export function OrderFilters(props: { value: Filters; onChange: (next: Filters) => void }) {
  const id = useId();
  const f = props.value;
  const set = (patch: Partial<Filters>) => props.onChange({ ...f, ...patch });
  const active = f.status || f.channel || f.from || f.to;
  return (
    <fieldset class="filter-bar card" data-testid="order-filters">
      <legend class="visually-hidden">{t('filters.legend')}</legend>
      <label for={`${id}-status`}>{t('filters.status')}</label>
      <select id={`${id}-status`} value={f.status} data-testid="filter-status" onChange={(e) => set({ status: e.currentTarget.value })}>
        <option value="">{t('filters.any')}</option>
        {Object.entries(STATUSES).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <label for={`${id}-channel`}>{t('filters.channel')}</label>
      <select id={`${id}-channel`} value={f.channel} data-testid="filter-channel" onChange={(e) => set({ channel: e.currentTarget.value })}>
        <option value="">{t('filters.any')}</option>
        {Object.entries(CHANNELS).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <label for={`${id}-field`}>{t('filters.date')}</label>
      <select
        id={`${id}-field`}
        value={f.dateField}
        data-testid="filter-date-field"
        onChange={(e) => set({ dateField: e.currentTarget.value as Filters['dateField'] })}
      >
        <option value="created">{t('filters.made')}</option>
        <option value="paid">{t('filters.paid')}</option>
      </select>
      <label for={`${id}-from`}>{t('filters.from')}</label>
      <input id={`${id}-from`} type="date" value={f.from} data-testid="filter-from" onChange={(e) => set({ from: e.currentTarget.value })} />
      <label for={`${id}-to`}>{t('filters.to')}</label>
      <input id={`${id}-to`} type="date" value={f.to} min={f.from || undefined} data-testid="filter-to" onChange={(e) => set({ to: e.currentTarget.value })} />
      {active && (
        <button type="button" class="btn btn-ghost btn-sm" onClick={() => props.onChange(emptyFilters)}>
          {t('filters.clear')}
        </button>
      )}
    </fieldset>
  );
}
