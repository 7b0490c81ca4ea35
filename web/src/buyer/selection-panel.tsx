import type { ComponentChildren } from 'preact';
import { formatMoney, t, tp } from '../shared/i18n.js';
import { QuantitySelect, seatName } from './performance-parts.js';
import type { Availability, GaArea, Seat } from './types.js';

type Category = Availability['categories'][number];

/** Standing places added to the seat selection, held with the seats in one hold (one order). */
export interface GaPick {
  area: GaArea;
  quantity: number;
}

export function selectionTotal(seats: Seat[], ga: GaPick | null, categories: Map<string, Category>): number {
  const seatSum = seats.reduce((sum, s) => sum + (categories.get(s.categoryId)?.price ?? 0), 0);
  return seatSum + (ga ? ga.quantity * (categories.get(ga.area.categoryId)?.price ?? 0) : 0);
}

/** "2 seats · 1 standing place", leaving out what is not there. */
export function selectionCount(seats: number, places: number, separator = ' · '): string {
  return [seats ? tp('selection.count', seats) : '', places ? tp('selection.places', places) : ''].filter(Boolean).join(separator);
}

/**
 * The buyer's picks: seats from the map and, where the performance has GA areas, standing places
 * to go with them. "Continue" (`hold-seats`) holds all of it in one hold; the per-order limit
 * counts seats and places together (`gaRoom` is what the limit and the area leave for places).
 */
export function SelectionPanel(props: {
  seats: Seat[];
  categories: Map<string, Category>;
  currency: string;
  notice: string;
  gaAreas: GaArea[];
  ga: GaPick | null;
  gaRoom: number;
  onGa: (areaId: string, quantity: number) => void;
  onRemove: (seat: Seat) => void;
  enabled: boolean;
  working: boolean;
  onHold: () => void;
  error: ComponentChildren;
}) {
  const { seats, categories, currency, notice, gaAreas, ga, gaRoom, onGa, onRemove, enabled, working, onHold, error } = props;
  const places = ga?.quantity ?? 0;
  const any = seats.length + places > 0;
  const price = (categoryId: string) => formatMoney(categories.get(categoryId)?.price ?? 0, currency);
  return (
    <section class={`selection-panel${any ? ' has-selection' : ''}`} aria-labelledby="selection-heading" data-testid="selection">
      <h2 id="selection-heading">{t('selection.heading')}</h2>
      {notice && (
        <p class="notice notice-info" role="status" data-testid="selection-notice">
          {notice}
        </p>
      )}
      {!any && <p class="muted small">{t('selection.none')}</p>}
      {any && (
        <ul class="chips" role="list">
          {seats.map((seat) => (
            <li key={seat.id} class="chip" data-testid="selected-seat" data-seat-id={seat.id}>
              <span>
                <span class="chip-name">{seatName(seat)}</span>
                <span class="chip-meta">
                  {categories.get(seat.categoryId)?.name} · {price(seat.categoryId)}
                </span>
              </span>
              <button type="button" class="chip-remove" onClick={() => onRemove(seat)} aria-label={t('selection.remove', { seat: seatName(seat) })}>
                ×
              </button>
            </li>
          ))}
          {ga && places > 0 && (
            <li class="chip" data-testid="selected-ga" data-ga-area-id={ga.area.id} data-quantity={places}>
              <span>
                <span class="chip-name">{ga.area.name}</span>
                <span class="chip-meta">
                  {tp('selection.places', places)} · {formatMoney(places * (categories.get(ga.area.categoryId)?.price ?? 0), currency)}
                </span>
              </span>
              <button
                type="button"
                class="chip-remove"
                onClick={() => onGa(ga.area.id, 0)}
                aria-label={t('selection.remove', { seat: `${ga.area.name} (${tp('selection.places', places)})` })}
              >
                ×
              </button>
            </li>
          )}
        </ul>
      )}
      {ga && <GaAddOn areas={gaAreas} ga={ga} room={gaRoom} price={price} onGa={onGa} disabled={!enabled || working} />}
      <div class="selection-summary">
        <p class="selection-total" aria-hidden={any ? undefined : 'true'}>
          {any && (
            <>
              <strong data-testid="selection-total">{formatMoney(selectionTotal(seats, ga, categories), currency)}</strong>{' '}
              <span class="muted">{selectionCount(seats.length, places)}</span>
            </>
          )}
        </p>
        <button
          type="button"
          class="button button-primary"
          data-testid="hold-seats"
          disabled={!enabled || !any || working}
          aria-busy={working ? 'true' : undefined}
          onClick={onHold}
        >
          {working ? t('hold.working') : t('hold.seats')}
        </button>
      </div>
      {error}
    </section>
  );
}

function GaAddOn({
  areas,
  ga,
  room,
  price,
  onGa,
  disabled,
}: {
  areas: GaArea[];
  ga: GaPick;
  room: number;
  price: (categoryId: string) => string;
  onGa: (areaId: string, quantity: number) => void;
  disabled: boolean;
}) {
  const several = areas.length > 1;
  return (
    <fieldset class="selection-ga" data-testid="selection-ga">
      <legend>{t('selection.addGa')}</legend>
      <p class="muted small">{t('selection.gaHelp')}</p>
      <div class="form-row">
        {several && (
          <div class="field field-grow">
            <label for="selection-ga-area">{t('selection.gaArea')}</label>
            <select
              id="selection-ga-area"
              data-testid="selection-ga-area"
              value={ga.area.id}
              disabled={disabled}
              onChange={(e) => onGa((e.currentTarget as HTMLSelectElement).value, ga.quantity)}
            >
              {areas.map((a) => (
                <option key={a.id} value={a.id} disabled={a.available === 0}>
                  {`${a.name} · ${price(a.categoryId)}${a.available === 0 ? ` · ${t('common.soldOut')}` : ''}`}
                </option>
              ))}
            </select>
          </div>
        )}
        <div class={several ? 'field' : 'field field-grow'}>
          <label for="selection-ga-quantity">{several ? t('common.quantity') : `${ga.area.name} · ${price(ga.area.categoryId)}`}</label>
          <QuantitySelect
            id="selection-ga-quantity"
            testId="selection-ga-quantity"
            min={0}
            max={room}
            value={ga.quantity}
            disabled={disabled}
            onChange={(n) => onGa(ga.area.id, n)}
          />
        </div>
      </div>
    </fieldset>
  );
}
