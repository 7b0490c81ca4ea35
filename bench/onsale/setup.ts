import pg from 'pg';

/**
 * The on-sale's show, made through the operator API: one seated section and one GA floor, each
 * with its own price category, fewer places than the fans want (so the show sells out and any
 * overselling would show), a performance whose on-sale time has passed, sales open, and its
 * waiting room with the bench's bounds.
 */
export interface ShowSize {
  seats: number;
  ga: number;
  perRow: number;
}
export interface RoomBounds {
  maxInCheckout: number;
  maxAdmissionsPerMinute: number;
  graceSeconds: number;
  startLimitSeconds: number;
}
export interface OnsaleShow {
  performanceId: string;
  seatCategoryId: string;
  gaAreaId: string;
  slug: string;
}

export async function adminCall(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** Opens sales; the server's sales schedule may have opened them first (the on-sale time has passed), which is as good. */
async function openSales(baseUrl: string, token: string, performanceId: string): Promise<void> {
  try {
    await adminCall(baseUrl, token, 'POST', `/api/admin/performances/${performanceId}/open`, {});
  } catch (error) {
    const { status } = await adminCall(baseUrl, token, 'GET', `/api/performances/${performanceId}`);
    if (status !== 'on_sale') throw error;
  }
}

export async function createOnsaleShow(baseUrl: string, token: string, size: ShowSize, bounds: RoomBounds, tag: string): Promise<OnsaleShow> {
  const seats = Array.from({ length: size.seats }, (_, i) => {
    const row = Math.floor(i / size.perRow) + 1;
    const number = (i % size.perRow) + 1;
    return { section: 'Stalls', row: String(row), number, x: number * 10, y: row * 10 };
  });
  const venue = await adminCall(baseUrl, token, 'POST', '/api/admin/venues', {
    name: 'On-sale Bench Hall',
    seats,
    gaAreas: [{ name: 'Floor', capacity: size.ga }],
  });
  const detail = (await adminCall(baseUrl, token, 'GET', `/api/admin/venues/${venue.id}`)) as { gaAreas: { id: string }[] };
  const gaAreaId = detail.gaAreas[0]!.id;
  const slug = `onsale-bench-${tag}`;
  const event = await adminCall(baseUrl, token, 'POST', '/api/admin/events', {
    slug,
    title: 'On-sale Bench Night',
    maxTicketsPerOrder: 4,
    priceCategories: [
      { name: 'Stalls', price: 6500, currency: 'EUR' },
      { name: 'Floor', price: 4000, currency: 'EUR' },
    ],
  });
  const categories = event.priceCategories as { id: string; name: string }[];
  const stalls = categories.find((c) => c.name === 'Stalls')!.id;
  const floor = categories.find((c) => c.name === 'Floor')!.id;
  const performance = await adminCall(baseUrl, token, 'POST', `/api/admin/events/${event.id}/performances`, {
    venueId: venue.id,
    startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    onSaleAt: new Date(Date.now() - 60_000).toISOString(),
    pricing: [
      { categoryId: stalls, sections: ['Stalls'] },
      { categoryId: floor, gaAreaIds: [gaAreaId] },
    ],
  });
  await openSales(baseUrl, token, performance.id);
  await adminCall(baseUrl, token, 'GET', `/api/admin/performances/${performance.id}/queue`);
  const room = await adminCall(baseUrl, token, 'PUT', `/api/admin/performances/${performance.id}/queue`, { enabled: true, ...bounds });
  if (!room.enabled || room.state !== 'open') throw new Error(`the room is not open: ${JSON.stringify(room).slice(0, 300)}`);
  return { performanceId: performance.id as string, seatCategoryId: stalls, gaAreaId, slug };
}

/**
 * What was sold, counted straight in PostgreSQL, and how much of it is more than the stock:
 * a seat with two valid tickets, a ticket for a seat not on sale for this performance, or more GA
 * tickets than the area holds. `oversold` must be 0.
 */
export interface StockCheck {
  seatStock: number;
  gaStock: number;
  seatTickets: number;
  distinctSeats: number;
  seatsNotOnSale: number;
  seatsMarkedSold: number;
  gaTickets: number;
  gaTaken: number;
  gaOverCapacity: number;
  paidOrders: number;
  pendingOrders: number;
  activeHolds: number;
  performanceStatus: string;
  oversold: number;
}

export async function checkStock(databaseUrl: string, performanceId: string): Promise<StockCheck> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `
      WITH valid AS (SELECT * FROM tickets WHERE performance_id = $1 AND status = 'valid'),
      ga AS (
        SELECT a.id, a.capacity, (SELECT count(*) FROM valid v WHERE v.ga_area_id = a.id) AS sold
        FROM performance_ga_areas pga JOIN ga_areas a ON a.id = pga.ga_area_id WHERE pga.performance_id = $1
      )
      SELECT
        (SELECT count(*) FROM performance_seats WHERE performance_id = $1)::int AS "seatStock",
        (SELECT coalesce(sum(capacity), 0) FROM ga)::int AS "gaStock",
        (SELECT count(*) FROM valid WHERE seat_id IS NOT NULL)::int AS "seatTickets",
        (SELECT count(DISTINCT seat_id) FROM valid WHERE seat_id IS NOT NULL)::int AS "distinctSeats",
        (SELECT count(*) FROM valid v WHERE v.seat_id IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM performance_seats ps WHERE ps.performance_id = v.performance_id AND ps.seat_id = v.seat_id))::int AS "seatsNotOnSale",
        (SELECT count(*) FROM performance_seats WHERE performance_id = $1 AND status = 'sold')::int AS "seatsMarkedSold",
        (SELECT count(*) FROM valid WHERE ga_area_id IS NOT NULL)::int AS "gaTickets",
        (SELECT coalesce(sum(taken), 0) FROM ga_stock WHERE performance_id = $1)::int AS "gaTaken",
        (SELECT coalesce(sum(greatest(sold - capacity, 0)), 0) FROM ga)::int AS "gaOverCapacity",
        (SELECT count(*) FROM orders WHERE performance_id = $1 AND status = 'paid')::int AS "paidOrders",
        (SELECT count(*) FROM orders WHERE performance_id = $1 AND status = 'pending_payment')::int AS "pendingOrders",
        (SELECT count(*) FROM holds WHERE performance_id = $1 AND status = 'active')::int AS "activeHolds",
        (SELECT status FROM performances WHERE id = $1) AS "performanceStatus"`,
      [performanceId],
    );
    const r = rows[0] as Omit<StockCheck, 'oversold'>;
    return { ...r, oversold: r.seatTickets - r.distinctSeats + r.seatsNotOnSale + r.gaOverCapacity };
  } finally {
    await client.end();
  }
}
