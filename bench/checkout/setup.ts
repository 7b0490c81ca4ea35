import pg from 'pg';
import { createEvent, createVenue } from '../../src/catalog/catalog.service.js';
import { changeSalesStatus, createPerformance } from '../../src/catalog/performances.service.js';
import { connect } from '../../src/platform/database.js';
import { migrateToLatest } from '../../src/platform/migrate.js';

/**
 * The bench's show: 40 sections of 25 rows x 40 seats (40,000 seats) sold in 4 seat categories of
 * 10 sections each, plus one GA area of 40,000 places. Big enough that a run never sells out, so a
 * 409 not_enough_inventory is a bug, not the end of stock.
 */
export const SECTIONS = 40;
const ROWS = 25;
const PER_ROW = 40;
export const SEAT_CATEGORIES = 4;
export const GA_CAPACITY = 40_000;
export const MAX_TICKETS_PER_ORDER = 8;

export interface BenchShow {
  performanceId: string;
  categoryIds: string[];
  gaAreaId: string;
}

const sectionName = (s: number) => `S${String(s + 1).padStart(2, '0')}`;

export function venueInput() {
  const seats = [];
  for (let s = 0; s < SECTIONS; s++) {
    for (let r = 1; r <= ROWS; r++) {
      for (let n = 1; n <= PER_ROW; n++) seats.push({ section: sectionName(s), row: String(r), number: n, x: s * 1000 + n * 10, y: r * 10 });
    }
  }
  return { name: 'Bench Arena', seats, gaAreas: [{ name: 'Floor', capacity: GA_CAPACITY }] };
}

export function eventInput(slug: string) {
  const priceCategories = Array.from({ length: SEAT_CATEGORIES }, (_, i) => ({ name: `Tier ${i + 1}`, price: 9000 - i * 1500, currency: 'EUR' }));
  priceCategories.push({ name: 'Floor', price: 4000, currency: 'EUR' });
  return { slug, title: 'Bench Night', maxTicketsPerOrder: MAX_TICKETS_PER_ORDER, priceCategories };
}

function pricing(categories: { id: string; name: string }[], gaAreaId: string) {
  const perCategory = SECTIONS / SEAT_CATEGORIES;
  const seatCategories = categories.filter((c) => c.name !== 'Floor');
  return [
    ...seatCategories.map((c, i) => ({ categoryId: c.id, sections: Array.from({ length: perCategory }, (_, k) => sectionName(i * perCategory + k)) })),
    { categoryId: categories.find((c) => c.name === 'Floor')!.id, gaAreaIds: [gaAreaId] },
  ];
}

const startsAt = () => new Date(Date.now() + 30 * 86_400_000).toISOString();

/** A client on the `postgres` database, or the reason it cannot be reached. */
export async function adminClient(base: string): Promise<pg.Client | string> {
  const client = new pg.Client({ connectionString: `${base}/postgres`, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return client;
  } catch (error) {
    return error instanceof Error ? `${error.message || error.name}` : String(error);
  }
}

/** A fresh database, migrated by this code, or left empty (`migrate: false`) for a server of another commit to migrate. */
export async function createDatabase(admin: pg.Client, base: string, name: string, migrate = true): Promise<string> {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = `${base}/${name}`;
  if (!migrate) return url;
  const db = connect(url, 2);
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return url;
}

/** Fresh tables have no statistics and autovacuum may be off: both databases get the same ANALYZE. */
export async function analyze(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

/** The show inserted through the catalog services, for the raw SQL reference's database. */
export async function createShowDirect(url: string): Promise<BenchShow> {
  const db = connect(url, 2);
  try {
    const venue = await createVenue(db, venueInput(), 'bench');
    const gaAreaId = (await db.selectFrom('ga_areas').select('id').where('venue_id', '=', venue.id).executeTakeFirstOrThrow()).id;
    const event = await createEvent(db, eventInput(`bench-raw-${process.pid}`), 'bench');
    const performance = await createPerformance(
      db,
      event.id,
      { venueId: venue.id, startsAt: startsAt(), pricing: pricing(event.priceCategories, gaAreaId) },
      'bench',
    );
    await changeSalesStatus(db, performance.id, 'open', 'bench');
    return { performanceId: performance.id, categoryIds: event.priceCategories.filter((c) => c.name !== 'Floor').map((c) => c.id), gaAreaId };
  } finally {
    await db.destroy();
  }
}

async function adminPost(baseUrl: string, token: string, path: string, body: unknown) {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** The same show through the operator API of the running server. */
export async function createShowHttp(baseUrl: string, token: string): Promise<BenchShow> {
  const venue = await adminPost(baseUrl, token, '/api/admin/venues', venueInput());
  const detail = (await (await fetch(`${baseUrl}/api/admin/venues/${venue.id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
    gaAreas: { id: string }[];
  };
  const gaAreaId = detail.gaAreas[0]!.id;
  const event = await adminPost(baseUrl, token, '/api/admin/events', eventInput(`bench-api-${process.pid}`));
  const categories = event.priceCategories as { id: string; name: string }[];
  const performance = await adminPost(baseUrl, token, `/api/admin/events/${event.id}/performances`, {
    venueId: venue.id,
    startsAt: startsAt(),
    pricing: pricing(categories, gaAreaId),
  });
  await adminPost(baseUrl, token, `/api/admin/performances/${performance.id}/open`, {});
  return { performanceId: performance.id, categoryIds: categories.filter((c) => c.name !== 'Floor').map((c) => c.id), gaAreaId };
}
