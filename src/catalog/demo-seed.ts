import type { Db } from '../platform/transaction.js';
import type { VenueInput } from './catalog.schemas.js';
import { createEvent, createVenue, venueDetail } from './catalog.service.js';
import { changeSalesStatus, createPerformance } from './performances.service.js';
import { zonedTime } from './time-zones.js';

/**
 * A music hall of 5,000 places (a 2,000-place GA floor and 3,000 seats in three tiers) and a
 * concert with three performances: the first on sale, the next two scheduled for the operator to
 * open when the first sells out. Only the first has an on-sale time (now): a later one with an
 * on-sale time in the past would open by itself (sales-schedule.ts).
 */
/** The demo hall is in San Juan: its shows start at 20:00 there, whatever the reader's clock says. */
export const DEMO_TIME_ZONE = 'America/Puerto_Rico';

export function demoVenue(): VenueInput {
  const seats: VenueInput['seats'] = [];
  const tiers = [
    { section: 'Platea', rows: 25, perRow: 50, top: 260 },
    { section: 'Anfiteatro', rows: 20, perRow: 55, top: 560 },
    { section: 'Balcón', rows: 13, perRow: 50, top: 800 },
  ];
  for (const tier of tiers) {
    for (let r = 1; r <= tier.rows; r++) {
      for (let n = 1; n <= tier.perRow; n++) {
        seats.push({
          section: tier.section,
          row: String(r),
          number: n,
          label: `${tier.section} ${r}-${n}`,
          x: 500 + (n - (tier.perRow + 1) / 2) * 16,
          y: tier.top + r * 11,
        });
      }
    }
  }
  // Best first: lower tiers, front rows, then the middle of each row.
  const tierOrder = new Map(tiers.map((t, i) => [t.section, i]));
  const centre = (s: (typeof seats)[number]) => Math.abs(s.x - 500);
  seats.sort((a, b) => tierOrder.get(a.section)! - tierOrder.get(b.section)! || Number(a.row) - Number(b.row) || centre(a) - centre(b));
  seats.forEach((s, i) => {
    s.rank = i;
  });
  return { name: 'Sala Mar Adentro', timeZone: DEMO_TIME_ZONE, seats, gaAreas: [{ name: 'Pista', capacity: 2000, x: 500, y: 130 }] };
}

export async function seedDemo(db: Db, now = new Date()): Promise<{ eventId: string; performanceIds: string[] } | undefined> {
  const any = await db.selectFrom('events').select('id').limit(1).executeTakeFirst();
  if (any) return undefined;
  const venueId = (await createVenue(db, demoVenue(), 'system')).id;
  const venue = await venueDetail(db, venueId);
  const event = await createEvent(
    db,
    {
      slug: 'luna-brava-mar-adentro',
      title: 'Luna Brava — Gira Mar Adentro',
      description: 'Luna Brava trae a casa la gira Mar Adentro: dos horas de salsa, bomba y reguetón con una banda de doce músicos.',
      defaultLanguage: 'es',
      translations: {
        en: {
          title: 'Luna Brava — Mar Adentro Tour',
          description: 'Luna Brava brings the Mar Adentro tour home: two hours of salsa, bomba and reggaetón with a twelve-piece band.',
        },
        fr: {
          title: 'Luna Brava — Tournée Mar Adentro',
          description: 'Luna Brava ramène la tournée Mar Adentro à la maison : deux heures de salsa, de bomba et de reggaetón avec douze musiciens.',
        },
        nl: {
          title: 'Luna Brava — Mar Adentro-tour',
          description: 'Luna Brava brengt de Mar Adentro-tour naar huis: twee uur salsa, bomba en reggaeton met een twaalfkoppige band.',
        },
        nb: {
          title: 'Luna Brava — Mar Adentro-turneen',
          description: 'Luna Brava tar Mar Adentro-turneen hjem: to timer salsa, bomba og reggaeton med et tolvmannsband.',
        },
      },
      maxTicketsPerOrder: 8,
      priceCategories: [
        { name: 'Platea Preferente', price: 9500, currency: 'USD' },
        { name: 'Platea', price: 7500, currency: 'USD' },
        { name: 'Anfiteatro', price: 6000, currency: 'USD' },
        { name: 'Pista (de pie)', price: 4500, currency: 'USD' },
        { name: 'Balcón', price: 4000, currency: 'USD' },
      ],
    },
    'system',
  );
  const category = (name: string) => event.priceCategories.find((c) => c.name === name)!.id;
  const front = venue.seats.filter((s) => s.section === 'Platea' && Number(s.row) <= 10).map((s) => s.id);
  const back = venue.seats.filter((s) => s.section === 'Platea' && Number(s.row) > 10).map((s) => s.id);
  const pricing = [
    { categoryId: category('Platea Preferente'), seatIds: front },
    { categoryId: category('Platea'), seatIds: back },
    { categoryId: category('Anfiteatro'), sections: ['Anfiteatro'] },
    { categoryId: category('Balcón'), sections: ['Balcón'] },
    { categoryId: category('Pista (de pie)'), gaAreaIds: venue.gaAreas.map((a) => a.id) },
  ];
  const day = 24 * 3600 * 1000;
  const performanceIds: string[] = [];
  for (const [i, offset] of [30, 31, 32].entries()) {
    const date = new Date(now.getTime() + offset * day);
    const startsAt = zonedTime(DEMO_TIME_ZONE, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), 20, 0);
    const { id } = await createPerformance(
      db,
      event.id,
      {
        venueId,
        startsAt: startsAt.toISOString(),
        doorsAt: new Date(startsAt.getTime() - 90 * 60_000).toISOString(),
        ...(i === 0 ? { onSaleAt: now.toISOString() } : {}),
        pricing,
      },
      'system',
    );
    performanceIds.push(id);
  }
  await changeSalesStatus(db, performanceIds[0]!, 'open', 'system');
  return { eventId: event.id, performanceIds };
}
