import { type MessageKey, t } from '../i18n';
import { type Availability, type Block, blockKindLabel } from './box-office-api';

export type SeatState = 'available' | 'blocked' | 'taken';

/** A seat's state in words for its label ("A-1-3, sold"). */
const STATE_WORD: Record<'available' | 'blocked' | 'held' | 'sold', MessageKey> = {
  available: 'boxOffice.seat.isAvailable',
  blocked: 'boxOffice.seat.isBlocked',
  held: 'boxOffice.seat.held',
  sold: 'boxOffice.seat.sold',
};

/**
 * The performance's seats by section and row, each a toggle button (its number; its label and
 * state for screen readers). Available and blocked seats can be picked; held and sold ones cannot.
 */
export function SeatPicker(props: { availability: Availability; blocks: Block[]; selected: Set<string>; onToggle: (seatId: string) => void }) {
  const blocked = new Map<string, Block>();
  for (const block of props.blocks) for (const seat of block.seats) blocked.set(seat.id, block);
  const sections = new Map<string, Map<string, Availability['seats']>>();
  for (const seat of props.availability.seats) {
    const rows = sections.get(seat.section) ?? new Map<string, Availability['seats']>();
    sections.set(seat.section, rows);
    rows.set(seat.row, [...(rows.get(seat.row) ?? []), seat]);
  }
  const stateOf = (seat: Availability['seats'][number]): SeatState => (blocked.has(seat.id) ? 'blocked' : seat.status === 'available' ? 'available' : 'taken');
  return (
    <div class="bo-seats" data-testid="bo-seats">
      <p class="map-legend">
        <span class="legend-item">
          <i class="bo-key bo-seat-available" aria-hidden="true" /> {t('boxOffice.seat.available')}
        </span>
        <span class="legend-item">
          <i class="bo-key bo-seat-blocked" aria-hidden="true" /> {t('boxOffice.seat.blocked')}
        </span>
        <span class="legend-item">
          <i class="bo-key bo-seat-taken" aria-hidden="true" /> {t('boxOffice.seat.taken')}
        </span>
        <span class="legend-item">
          <i class="bo-key bo-seat-selected" aria-hidden="true" /> {t('boxOffice.seat.selected')}
        </span>
      </p>
      {[...sections].map(([section, rows]) => (
        <fieldset key={section} class="bo-section">
          <legend>{t('boxOffice.section', { name: section })}</legend>
          {[...rows].map(([row, seats]) => (
            <div key={row} class="bo-row">
              <span class="bo-row-label">{t('boxOffice.row', { name: row })}</span>
              <div class="bo-row-seats">
                {seats.map((seat) => {
                  const state = stateOf(seat);
                  const block = blocked.get(seat.id);
                  const on = props.selected.has(seat.id);
                  const word = t(STATE_WORD[state === 'taken' ? (seat.status === 'sold' ? 'sold' : 'held') : state]);
                  const label = block
                    ? t('boxOffice.seat.labelBlock', { seat: seat.label, state: word, kind: blockKindLabel(block.kind).toLowerCase() })
                    : t('boxOffice.seat.label', { seat: seat.label, state: word });
                  return (
                    <button
                      type="button"
                      key={seat.id}
                      class={`bo-seat bo-seat-${state}${on ? ' bo-seat-selected' : ''}`}
                      aria-pressed={on}
                      aria-label={label}
                      title={label}
                      disabled={state === 'taken'}
                      data-testid={`bo-seat-${seat.label}`}
                      data-state={state}
                      onClick={() => props.onToggle(seat.id)}
                    >
                      {seat.number}
                    </button>
                  );
                })}
              </div>
            </div>
          ))}
        </fieldset>
      ))}
    </div>
  );
}
