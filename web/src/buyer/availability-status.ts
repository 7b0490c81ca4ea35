import type { Availability, AvailabilityStatus, SeatStatus } from './types.js';

/**
 * Applies a polled status view to the availability on screen. The view lists the seats that are
 * held or sold without telling which, so a listed seat is `sold` if the last full answer said so
 * and `held` otherwise; a seat not listed is `available`. Unchanged seats, categories and areas
 * keep their objects, and an answer that changes nothing returns `shown` itself, so the page
 * redraws nothing. Returns null when the view names a seat, category or GA area that `shown`
 * does not have: the full availability must be read again.
 */
export function applyStatus(shown: Availability, view: AvailabilityStatus, sold: ReadonlySet<string>): Availability | null {
  let changed = view.status !== shown.status;
  const categoryLeft = new Map(view.categories.map((c) => [c.id, c.available]));
  const areaLeft = new Map(view.gaAreas.map((a) => [a.id, a.available]));
  if (categoryLeft.size !== shown.categories.length || areaLeft.size !== shown.gaAreas.length) return null;

  let unknown = false;
  const withLeft = <T extends { id: string; available: number }>(item: T, left: Map<string, number>): T => {
    const available = left.get(item.id);
    if (available === undefined) unknown = true;
    if (available === undefined || available === item.available) return item;
    changed = true;
    return { ...item, available };
  };
  const categories = shown.categories.map((c) => withLeft(c, categoryLeft));
  const gaAreas = shown.gaAreas.map((a) => withLeft(a, areaLeft));
  if (unknown) return null;

  const unavailable = new Set(view.unavailableSeatIds);
  let listed = 0;
  const seats = shown.seats.map((seat) => {
    const taken = unavailable.has(seat.id);
    if (taken) listed++;
    const status: SeatStatus = !taken ? 'available' : sold.has(seat.id) ? 'sold' : 'held';
    if (status === seat.status) return seat;
    changed = true;
    return { ...seat, status };
  });
  if (listed !== unavailable.size) return null;

  return changed ? { status: view.status, categories, seats, gaAreas } : shown;
}

export const soldSeatIds = (full: Availability) => new Set(full.seats.filter((s) => s.status === 'sold').map((s) => s.id));
