import { formatDate, formatMoney, t, tp } from '../shared/i18n.js';
import type { SeatModel } from './seat-model.js';
import type { Availability, PerformanceStatus, Seat } from './types.js';

export const seatName = (seat: Pick<Seat, 'section' | 'row' | 'number'>) => t('seat.name', { section: seat.section, row: seat.row, number: seat.number });

const BANNERS: Record<PerformanceStatus, Parameters<typeof t>[0]> = {
  on_sale: 'sale.on_sale',
  scheduled: 'sale.scheduled',
  paused: 'sale.paused',
  sold_out: 'sale.sold_out',
  closed: 'sale.closed',
  cancelled: 'sale.cancelled',
};

/**
 * The line under the seat map, which must agree with the banner above it: on sale and open to
 * this buyer, seats can be picked now; on sale through a waiting room the buyer has not come
 * through yet, after their turn (never "when tickets are on sale" under "On sale now"); otherwise
 * once the sale opens.
 */
export function mapHintKey(status: PerformanceStatus | undefined, gated: boolean): 'map.help' | 'map.afterQueue' | 'map.notInteractive' {
  if (status !== 'on_sale') return 'map.notInteractive';
  return gated ? 'map.afterQueue' : 'map.help';
}

/** What the buyer can do now: on sale, not yet, paused, sold out, closed or cancelled. */
export function SaleStatus({ status, onSaleAt, timeZone }: { status: PerformanceStatus; onSaleAt?: string | null; timeZone?: string }) {
  const later = status === 'scheduled' && onSaleAt && Date.parse(onSaleAt) > Date.now();
  return (
    <p class={`sale-status sale-${status}`} data-testid="sale-status" data-status={status} role="status">
      {t(BANNERS[status] ?? 'sale.closed')}
      {later && <> {t('event.onSaleFrom', { date: formatDate(onSaleAt!, 'short', timeZone) })}</>}
    </p>
  );
}

export function Legend({ availability, colorOf, mine }: { availability: Availability; colorOf: Map<string, number>; mine?: boolean }) {
  return (
    <ul class="legend" role="list" data-testid="legend">
      {availability.categories.map((c) => (
        <li key={c.id} data-category-id={c.id}>
          <span class={`swatch cat-${colorOf.get(c.id) ?? 0}`} aria-hidden="true" />
          <span class="legend-name">{c.name}</span>
          <span class="legend-price">{formatMoney(c.price, c.currency)}</span>
          <span class="legend-left">{c.available > 0 ? tp('common.left', c.available) : t('common.soldOut')}</span>
        </li>
      ))}
      <li class="legend-state">
        <span class="swatch swatch-selected" aria-hidden="true" />
        {t('map.selected')}
      </li>
      {mine && (
        <li class="legend-state" data-testid="legend-mine">
          <span class="swatch swatch-mine" aria-hidden="true" />
          {t('map.mine')}
        </li>
      )}
      <li class="legend-state">
        <span class="swatch swatch-taken" aria-hidden="true" />
        {t('map.taken')}
      </li>
    </ul>
  );
}

/** The map as text: each section's price and how many of its seats are free. */
export function SectionTable({ model, availability }: { model: SeatModel; availability: Availability }) {
  const sections = new Map<string, { free: number; total: number; categories: Set<string> }>();
  for (const row of model.rows) {
    const s = sections.get(row.section) ?? { free: 0, total: 0, categories: new Set<string>() };
    for (const seat of row.seats) {
      s.total++;
      if (seat.status === 'available') s.free++;
      s.categories.add(seat.categoryId);
    }
    sections.set(row.section, s);
  }
  const categories = new Map(availability.categories.map((c) => [c.id, c]));
  return (
    <details class="sections">
      <summary>{t('map.sectionsSummary')}</summary>
      <table data-testid="section-table">
        <thead>
          <tr>
            <th scope="col">{t('map.section')}</th>
            <th scope="col">{t('map.price')}</th>
            <th scope="col">{t('map.free')}</th>
          </tr>
        </thead>
        <tbody>
          {[...sections].map(([name, s]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>
                {[...s.categories]
                  .map((id) => categories.get(id))
                  .filter((c) => c !== undefined)
                  .map((c) => `${c.name} ${formatMoney(c.price, c.currency)}`)
                  .join(', ')}
              </td>
              <td>{t('map.freeOf', { free: s.free, total: s.total })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** A quantity picker: `min` (1 unless told) to `max`. */
export function QuantitySelect({
  id,
  value,
  max,
  onChange,
  testId,
  min = 1,
  disabled,
}: {
  id: string;
  value: number;
  max: number;
  onChange: (n: number) => void;
  testId: string;
  min?: number;
  disabled?: boolean;
}) {
  const options = Array.from({ length: Math.max(1, max - min + 1) }, (_, i) => i + min);
  return (
    <select
      id={id}
      data-testid={testId}
      value={String(Math.min(value, Math.max(min, max)))}
      disabled={disabled}
      onChange={(e) => onChange(Number((e.currentTarget as HTMLSelectElement).value))}
    >
      {options.map((n) => (
        <option key={n} value={String(n)}>
          {n}
        </option>
      ))}
    </select>
  );
}
