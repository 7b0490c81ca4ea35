import { randomUUID } from 'node:crypto';
import type { Db } from '../platform/transaction.js';
import type { MailMessage, Mailer } from './mailer.js';
import type { OrderConfirmation } from './templates.js';

/** Test helpers: the order rows `outbox.order_id` points at, a confirmation, and fake mailers. */
export async function insertOrder(db: Db): Promise<string> {
  const venue = await db.insertInto('venues').values({ name: 'Sala Apolo' }).returning('id').executeTakeFirstOrThrow();
  const event = await db
    .insertInto('events')
    .values({ slug: `e-${randomUUID()}`, title: 'Rosalía' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const performance = await db
    .insertInto('performances')
    .values({ event_id: event.id, venue_id: venue.id, starts_at: new Date('2026-06-01T19:00:00Z') })
    .returning('id')
    .executeTakeFirstOrThrow();
  const hold = await db
    .insertInto('holds')
    .values({ performance_id: performance.id, status: 'converted', expires_at: new Date(Date.now() + 60_000) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const order = await db
    .insertInto('orders')
    .values({
      hold_id: hold.id,
      performance_id: performance.id,
      idempotency_key: randomUUID(),
      buyer_name: 'Ana Pérez',
      buyer_email: 'ana@example.com',
      locale: 'es',
      total: 8500,
      currency: 'EUR',
      payment_provider: 'test',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return order.id;
}

export function confirmation(orderId: string, overrides: Partial<OrderConfirmation> = {}): OrderConfirmation {
  return {
    orderId,
    buyerName: 'Ana Pérez',
    buyerEmail: 'ana@example.com',
    locale: 'es',
    eventTitle: 'Rosalía',
    venueName: 'Sala Apolo',
    startsAt: new Date('2026-06-01T19:00:00Z'),
    tickets: [{ id: randomUUID(), label: 'Pista', categoryName: 'General', price: 8500, currency: 'EUR' }],
    total: 8500,
    currency: 'EUR',
    orderUrl: `https://tickets.example.com/orders/${orderId}?access=secret`,
    ...overrides,
  };
}

/** Records what it sends; each send takes `delayMs`, and `fail` may throw instead. */
export function fakeMailer(options: { delayMs?: number; fail?: (message: MailMessage) => unknown } = {}) {
  const sent: MailMessage[] = [];
  let calls = 0;
  const mailer: Mailer & { sent: MailMessage[]; calls(): number } = {
    sent,
    calls: () => calls,
    async send(message) {
      calls += 1;
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      const error = options.fail?.(message);
      if (error) throw error;
      sent.push(message);
    },
    close() {},
  };
  return mailer;
}
