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

export const STATUSES: Record<string, string> = {
  paid: 'Paid',
  pending_payment: 'Awaiting payment',
  refunded: 'Refunded',
  cancelled: 'Cancelled',
  expired: 'Expired',
};
export const CHANNELS: Record<string, string> = { online: 'Online', box_office: 'Box office', comp: 'Complimentary' };

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
      <legend class="visually-hidden">Filter orders</legend>
      <label for={`${id}-status`}>Status</label>
      <select id={`${id}-status`} value={f.status} data-testid="filter-status" onChange={(e) => set({ status: e.currentTarget.value })}>
        <option value="">Any</option>
        {Object.entries(STATUSES).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <label for={`${id}-channel`}>Channel</label>
      <select id={`${id}-channel`} value={f.channel} data-testid="filter-channel" onChange={(e) => set({ channel: e.currentTarget.value })}>
        <option value="">Any</option>
        {Object.entries(CHANNELS).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <label for={`${id}-field`}>Date</label>
      <select
        id={`${id}-field`}
        value={f.dateField}
        data-testid="filter-date-field"
        onChange={(e) => set({ dateField: e.currentTarget.value as Filters['dateField'] })}
      >
        <option value="created">Made</option>
        <option value="paid">Paid</option>
      </select>
      <label for={`${id}-from`}>from</label>
      <input id={`${id}-from`} type="date" value={f.from} data-testid="filter-from" onChange={(e) => set({ from: e.currentTarget.value })} />
      <label for={`${id}-to`}>to</label>
      <input id={`${id}-to`} type="date" value={f.to} min={f.from || undefined} data-testid="filter-to" onChange={(e) => set({ to: e.currentTarget.value })} />
      {active && (
        <button type="button" class="btn btn-ghost btn-sm" onClick={() => props.onChange(emptyFilters)}>
          Clear filters
        </button>
      )}
    </fieldset>
  );
}
