import { demoVenue } from '../../src/catalog/demo-seed.js';
import { adminCall, type RoomBounds } from '../onsale/setup.js';

/**
 * The crowd's show, made through the operator API: the demo hall (Sala Mar Adentro: 3,000 seats in
 * three tiers and a 2,000-place GA floor, `src/catalog/demo-seed.ts`) or, for a smaller run, a
 * hall of `places` (three fifths seats, the rest GA); an event with a price category per tier and
 * one for the floor; a first performance whose on-sale time is `onSaleAt` (in the future, so fans
 * who come early wait in the pre-queue) with its waiting room and the bench's bounds, and a second
 * performance a day later with no on-sale time, for the operator to move the rest of the line to.
 */
export interface CrowdShow {
  performanceId: string;
  nextPerformanceId: string;
  categoryIds: string[];
  gaAreaId: string;
  places: number;
}

function smallHall(places: number) {
  const seatCount = Math.round(places * 0.6);
  const perRow = 25;
  const seats = Array.from({ length: seatCount }, (_, i) => {
    const row = Math.floor(i / perRow) + 1;
    const number = (i % perRow) + 1;
    return { section: 'Platea', row: String(row), number, x: number * 16, y: 200 + row * 11 };
  });
  return {
    name: `Crowd Bench Hall (${places})`,
    timeZone: 'America/Puerto_Rico',
    seats,
    gaAreas: [{ name: 'Pista', capacity: places - seatCount, x: 500, y: 130 }],
  };
}

export async function createCrowdShow(
  baseUrl: string,
  token: string,
  opts: { places: number | 'demo'; onSaleAt: Date; bounds: RoomBounds; tag: string },
): Promise<CrowdShow> {
  const venueInput = opts.places === 'demo' ? demoVenue() : smallHall(opts.places);
  const venue = await adminCall(baseUrl, token, 'POST', '/api/admin/venues', venueInput);
  const detail = (await adminCall(baseUrl, token, 'GET', `/api/admin/venues/${venue.id}`)) as { gaAreas: { id: string; capacity: number }[] };
  const gaAreaId = detail.gaAreas[0]!.id;
  const sections = [...new Set(venueInput.seats.map((s) => s.section))];
  const event = await adminCall(baseUrl, token, 'POST', '/api/admin/events', {
    slug: `crowd-bench-${opts.tag}`,
    title: 'Crowd Bench Night',
    maxTicketsPerOrder: 8,
    priceCategories: [
      ...sections.map((name, i) => ({ name, price: 9000 - i * 1500, currency: 'USD' })),
      { name: 'Pista (de pie)', price: 4500, currency: 'USD' },
    ],
  });
  const categories = event.priceCategories as { id: string; name: string }[];
  const categoryOf = (name: string) => categories.find((c) => c.name === name)!.id;
  const pricing = [...sections.map((s) => ({ categoryId: categoryOf(s), sections: [s] })), { categoryId: categoryOf('Pista (de pie)'), gaAreaIds: [gaAreaId] }];
  const startsAt = Date.now() + 30 * 86_400_000;
  const first = await adminCall(baseUrl, token, 'POST', `/api/admin/events/${event.id}/performances`, {
    venueId: venue.id,
    startsAt: new Date(startsAt).toISOString(),
    onSaleAt: opts.onSaleAt.toISOString(),
    pricing,
  });
  const next = await adminCall(baseUrl, token, 'POST', `/api/admin/events/${event.id}/performances`, {
    venueId: venue.id,
    startsAt: new Date(startsAt + 86_400_000).toISOString(),
    pricing,
  });
  // The first ask creates the room, switched on (the performance has an on-sale time), in its pre-queue.
  await adminCall(baseUrl, token, 'GET', `/api/admin/performances/${first.id}/queue`);
  const room = await adminCall(baseUrl, token, 'PUT', `/api/admin/performances/${first.id}/queue`, { enabled: true, ...opts.bounds });
  if (!room.enabled || room.state !== 'pre_queue') throw new Error(`the room is not in its pre-queue: ${JSON.stringify(room).slice(0, 300)}`);
  const places = venueInput.seats.length + venueInput.gaAreas.reduce((a, g) => a + g.capacity, 0);
  return {
    performanceId: first.id as string,
    nextPerformanceId: next.id as string,
    categoryIds: sections.map(categoryOf),
    gaAreaId,
    places,
  };
}
