import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { admin, type TestApp, testApp, testPayments } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { cardToken, createShow, hold, holdAuth, type Show } from '../../tests/helpers/fixtures.js';
import { nextCode, signedInStaff } from '../../tests/helpers/staff.js';
import type { App } from '../app.js';
import { orderChangeStrings } from '../notifications/order-change.strings.js';
import { supportedLocales } from '../notifications/templates.strings.js';

describe('refunds', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  let payments: App;
  /** What the provider was asked to refund, in order. */
  const providerCalls: { paymentId: string; amount: number; currency: string; idempotencyKey?: string }[] = [];
  before(async () => {
    // Refunds above 60.00 need a fresh second factor here.
    t = await testApp({ REFUND_SUDO_ABOVE: '6000' });
    const refund = t.ctx.payments.refund.bind(t.ctx.payments);
    t.ctx.payments.refund = async (input) => {
      providerCalls.push(input);
      return refund(input);
    };
    payments = await testPayments(t.ctx);
  });
  after(async () => {
    await payments?.close();
    await t?.close();
  });

  let buyers = 0;
  /** A paid order for `body`'s places, made by a buyer speaking `locale`. */
  async function buy(show: Show, body: object, locale = 'es') {
    const h = await hold(t.app, show.performanceId, body);
    assert.equal(h.statusCode, 201, h.body);
    const email = `buyer${++buyers}@example.com`;
    const o = await t.app.inject({
      method: 'POST',
      url: `/api/holds/${h.json().holdId}/order`,
      headers: { 'idempotency-key': `refunds-${h.json().holdId}`, ...holdAuth(h.json()) },
      payload: { buyer: { name: 'Ana Rivera', email, locale } },
    });
    assert.equal(o.statusCode, 201, o.body);
    const { orderId, payment } = o.json();
    const paid = await t.app.inject({
      method: 'POST',
      url: `/api/orders/${orderId}/payment`,
      payload: { token: await cardToken(payments, payment.sessionId) },
    });
    assert.equal(paid.statusCode, 200, paid.body);
    return { orderId: orderId as string, email, tickets: (await view(orderId)).tickets as Ticket[] };
  }
  type Ticket = { id: string; status: string; price: number; seatId: string | null; gaAreaId: string | null; label: string };
  const view = async (orderId: string) => (await t.app.inject({ url: `/api/admin/orders/${orderId}`, headers: admin })).json();
  const refund = (orderId: string, body?: object, headers: Record<string, string> = admin) =>
    t.app.inject({ method: 'POST', url: `/api/admin/orders/${orderId}/refund`, headers, ...(body ? { payload: body } : {}) });
  const emails = (orderId: string, kind: string) =>
    t.ctx.db
      .selectFrom('outbox')
      .select(['recipient', 'locale', 'subject', 'body_text'])
      .where('order_id', '=', orderId)
      .where('kind', '=', kind)
      .orderBy('created_at')
      .execute();
  const gaTaken = async (show: Show) =>
    Number(
      (
        await t.ctx.db
          .selectFrom('ga_stock')
          .select((eb) => eb.fn.sum<number>('taken').as('n'))
          .where('performance_id', '=', show.performanceId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const seatStatus = async (show: Show, seatId: string) =>
    (
      await t.ctx.db
        .selectFrom('performance_seats')
        .select('status')
        .where('performance_id', '=', show.performanceId)
        .where('seat_id', '=', seatId)
        .executeTakeFirstOrThrow()
    ).status;

  test('refunds: a whole refund emails the buyer in their language, with the amount, the tickets and the venue’s time', async () => {
    const show = await createShow(t.app, { gaCapacity: 20 });
    await sql`UPDATE venues SET time_zone = 'America/Puerto_Rico'
              WHERE id = (SELECT venue_id FROM performances WHERE id = ${show.performanceId})`.execute(t.ctx.db);
    const amounts = { en: '€60.00', es: '60,00 €', fr: '60,00 €', nl: '€ 60,00', nb: '60,00 €' };
    for (const locale of supportedLocales) {
      const o = await buy(show, { gaAreaId: show.gaAreaId, quantity: 2 }, locale);
      const res = await refund(o.orderId);
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual([res.json().status, res.json().amount, res.json().ticketIds.length], ['refunded', 6000, 2]);
      const [mail, ...more] = await emails(o.orderId, 'order_refund');
      assert.equal(more.length, 0, 'one email per refund');
      assert.equal(mail!.recipient, o.email);
      assert.equal(mail!.locale, locale);
      assert.equal(mail!.subject, orderChangeStrings[locale].refundSubject('Test Show'));
      assert.ok(mail!.body_text.replace(/\u00a0|\u202f/g, ' ').includes(amounts[locale]), `${locale}: ${mail!.body_text}`);
      assert.ok(mail!.body_text.includes(orderChangeStrings[locale].payoutCard), locale);
      assert.equal(mail!.body_text.match(/Floor \(Floor\)/g)?.length, 2, 'both tickets listed');
    }
    // The venue's zone: the show's start reads as Puerto Rico's time, not UTC.
    const startsAt = (await view((await buy(show, { gaAreaId: show.gaAreaId, quantity: 1 }, 'en')).orderId)).performance.startsAt;
    const local = new Intl.DateTimeFormat('en', { timeStyle: 'short', timeZone: 'America/Puerto_Rico' }).format(new Date(startsAt));
    const [english] = await t.ctx.db.selectFrom('outbox').select('body_text').where('kind', '=', 'order_refund').where('locale', '=', 'en').execute();
    assert.ok(english!.body_text.includes(local), `${local} in ${english!.body_text}`);
    assert.ok(!/UTC/.test(english!.body_text));
  });

  test('refunds: cancelling a paid order and a pending one each emails the buyer', async () => {
    const show = await createShow(t.app, { gaCapacity: 20 });
    const paid = await buy(show, { gaAreaId: show.gaAreaId, quantity: 1 }, 'fr');
    assert.equal((await t.app.inject({ method: 'POST', url: `/api/admin/orders/${paid.orderId}/cancel`, headers: admin })).statusCode, 200);
    const [cancelled] = await emails(paid.orderId, 'order_cancellation');
    assert.equal(cancelled!.subject, 'Votre commande a été annulée\u00a0: Test Show');
    assert.ok(cancelled!.body_text.includes(orderChangeStrings.fr.cancelNoMoney));
    assert.ok(cancelled!.body_text.includes('Floor (Floor)'));

    const h = (await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 })).json();
    const pending = await t.app.inject({
      method: 'POST',
      url: `/api/holds/${h.holdId}/order`,
      headers: { 'idempotency-key': `pending-${h.holdId}`, ...holdAuth(h) },
      payload: { buyer: { name: 'Kari Nordmann', email: 'kari@example.com', locale: 'nb-NO' } },
    });
    const pendingId = pending.json().orderId;
    assert.equal((await t.app.inject({ method: 'POST', url: `/api/admin/orders/${pendingId}/cancel`, headers: admin })).statusCode, 200);
    const [unpaid] = await emails(pendingId, 'order_cancellation');
    assert.equal(unpaid!.subject, 'Bestillingen din er kansellert: Test Show');
    assert.ok(unpaid!.body_text.includes(orderChangeStrings.nb.cancelIntroUnpaid));
    // A refused cancellation tells no one.
    assert.equal((await t.app.inject({ method: 'POST', url: `/api/admin/orders/${pendingId}/cancel`, headers: admin })).statusCode, 409);
    assert.equal((await emails(pendingId, 'order_cancellation')).length, 1);
  });

  test('refunds: a partial refund voids exactly the chosen tickets, refunds their price and puts their places back on sale for another buyer', async () => {
    const show = await createShow(t.app, { rows: 1, perRow: 3, gaCapacity: 3 });
    const seats = show.seats.map((s) => s.id);
    const o = await buy(show, { seatIds: seats, gaAreaId: show.gaAreaId, quantity: 3 }, 'nl');
    assert.equal(o.tickets.length, 6);
    const seat = o.tickets.find((x) => x.seatId === seats[1])!;
    const floor = o.tickets.filter((x) => x.gaAreaId).slice(0, 2);
    const chosen = [seat.id, ...floor.map((x) => x.id)];
    assert.equal(await gaTaken(show), 3);

    providerCalls.length = 0;
    const res = await refund(o.orderId, { ticketIds: chosen, reason: 'two friends fell ill' });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual([body.status, body.amount, body.currency], ['paid', 5000 + 2 * 3000, 'EUR']);
    assert.deepEqual([...body.ticketIds].sort(), [...chosen].sort());
    assert.match(body.refundId, /^re_/);
    assert.deepEqual(
      providerCalls.map((c) => [c.amount, c.currency]),
      [[11000, 'EUR']],
      'the provider refunds exactly their price',
    );

    const after = await view(o.orderId);
    assert.equal(after.status, 'paid');
    for (const ticket of after.tickets as Ticket[]) assert.equal(ticket.status, chosen.includes(ticket.id) ? 'void' : 'valid', ticket.label);
    assert.equal(after.refunded, 11000);
    assert.deepEqual(
      after.refunds.map((r: { amount: number; reason: string; actor: string }) => [r.amount, r.reason, r.actor]),
      [[11000, 'two friends fell ill', 'break_glass']],
    );
    assert.equal(await seatStatus(show, seats[1]!), 'available');
    assert.equal(await seatStatus(show, seats[0]!), 'sold');
    assert.equal(await gaTaken(show), 1, 'two GA places back in their bucket');

    const report = (await t.app.inject({ url: `/api/admin/performances/${show.performanceId}/sales`, headers: admin })).json();
    assert.deepEqual([report.revenue, report.sold, report.available], [3 * 5000 + 3 * 3000 - 11000, 3, 3], 'revenue is what was kept');

    const [mail] = await emails(o.orderId, 'order_refund');
    assert.equal(mail!.subject, 'Gedeeltelijke terugbetaling van je bestelling: Test Show');
    assert.match(mail!.body_text, /Terugbetaald bedrag: €\s110,00/);
    assert.ok(mail!.body_text.includes(seat.label));
    assert.ok(mail!.body_text.includes(orderChangeStrings.nl.viewRemaining));
    const audited = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'data'])
      .where('subject_id', '=', o.orderId)
      .where('action', 'like', 'sales.order.%refunded')
      .execute();
    assert.deepEqual(
      audited.map((a) => a.action),
      ['sales.order.partially_refunded'],
    );

    // The refunded ticket no longer admits; the others do.
    const codes = new Map((after.tickets as (Ticket & { code: string })[]).map((x) => [x.id, x.code]));
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/checkin', headers: admin, payload: { code: codes.get(seat.id) } })).json().result, 'invalid');

    // Another buyer gets exactly those places.
    const other = await buy(show, { seatIds: [seats[1]], gaAreaId: show.gaAreaId, quantity: 2 }, 'en');
    assert.equal(other.tickets.length, 3);
    assert.equal(await gaTaken(show), 3);
    assert.equal((await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 })).statusCode, 409, 'and no more than those');

    // Refunding the rest turns the order refunded, and the refunds add up to what was charged.
    providerCalls.length = 0;
    const rest = await refund(o.orderId);
    assert.equal(rest.statusCode, 200, rest.body);
    assert.deepEqual([rest.json().status, rest.json().amount, rest.json().ticketIds.length], ['refunded', 2 * 5000 + 3000, 3]);
    assert.deepEqual(
      providerCalls.map((c) => c.amount),
      [13000],
    );
    const final = await view(o.orderId);
    assert.equal(final.status, 'refunded');
    assert.equal(final.refunded, final.total);
    assert.ok((final.tickets as Ticket[]).every((x) => x.status === 'void'));
    assert.equal(await seatStatus(show, seats[1]!), 'sold', 'the seat the other buyer bought stays theirs');
    assert.equal(await seatStatus(show, seats[0]!), 'available');
    assert.equal(await gaTaken(show), 2, "only the other buyer's places stay taken");
    assert.equal((await emails(o.orderId, 'order_refund')).length, 2);
    assert.equal((await refund(o.orderId, { ticketIds: [seat.id] })).json().error.code, 'order_not_refundable');
  });

  test('refunds: the last ticket of an order refunded on its own turns the order refunded', async () => {
    const show = await createShow(t.app, { gaCapacity: 5 });
    const o = await buy(show, { gaAreaId: show.gaAreaId, quantity: 2 });
    assert.equal((await refund(o.orderId, { ticketIds: [o.tickets[0]!.id] })).json().status, 'paid');
    const last = await refund(o.orderId, { ticketIds: [o.tickets[1]!.id] });
    assert.deepEqual([last.statusCode, last.json().status], [200, 'refunded']);
    assert.equal(await gaTaken(show), 0);
  });

  test('refunds: an order paid at the counter is refunded without the online provider, and the buyer is told where the money comes back', async () => {
    const show = await createShow(t.app, { gaCapacity: 10 });
    const o = await buy(show, { gaAreaId: show.gaAreaId, quantity: 2 }, 'en');
    // As a box-office sale records it: cash, no online payment.
    await t.ctx.db.updateTable('orders').set({ channel: 'box_office', payment_method: 'cash', payment_id: null }).where('id', '=', o.orderId).execute();
    providerCalls.length = 0;
    const res = await refund(o.orderId, { ticketIds: [o.tickets[0]!.id] });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().refundId, undefined);
    assert.deepEqual([res.json().amount, res.json().refund.providerRefundId], [3000, null]);
    assert.equal(providerCalls.length, 0);
    const [mail] = await emails(o.orderId, 'order_refund');
    assert.ok(mail!.body_text.includes(orderChangeStrings.en.payoutCounter));
    assert.match(mail!.body_text, /Amount refunded: €30\.00/);
  });

  test('refunds: a double submit refunds once, with or without an Idempotency-Key', async () => {
    const show = await createShow(t.app, { gaCapacity: 10 });
    const o = await buy(show, { gaAreaId: show.gaAreaId, quantity: 3 });
    const ticketIds = [o.tickets[0]!.id];
    providerCalls.length = 0;
    const keyed = { ...admin, 'idempotency-key': 'refund-click-1' };
    const [a, b] = await Promise.all([refund(o.orderId, { ticketIds }, keyed), refund(o.orderId, { ticketIds }, keyed)]);
    assert.deepEqual([a.statusCode, b.statusCode], [200, 200], `${a.body} ${b.body}`);
    assert.equal(a.json().refund.id, b.json().refund.id, 'the retry answers the first refund');
    assert.equal([a, b].filter((r) => r.json().replayed).length, 1);
    assert.equal(providerCalls.length, 1);
    const reused = await refund(o.orderId, { ticketIds: [o.tickets[1]!.id] }, keyed);
    assert.deepEqual([reused.statusCode, reused.json().error.code], [409, 'idempotency_key_reused']);

    // Without a key, the second of two racing requests finds the ticket refunded and names it.
    const second = [o.tickets[1]!.id];
    const [c, d] = await Promise.all([refund(o.orderId, { ticketIds: second }), refund(o.orderId, { ticketIds: second })]);
    const statuses = [c.statusCode, d.statusCode].sort();
    assert.deepEqual(statuses, [200, 409]);
    const refused = [c, d].find((r) => r.statusCode === 409)!.json().error;
    assert.deepEqual([refused.code, refused.ticketIds], ['tickets_already_refunded', second]);

    assert.equal(providerCalls.length, 2);
    assert.equal((await view(o.orderId)).refunds.length, 2);
    assert.equal((await emails(o.orderId, 'order_refund')).length, 2);
    assert.equal(await gaTaken(show), 1, 'each place returned once');
  });

  test('refunds: tickets not of the order are refused, named, and nothing changes', async () => {
    const show = await createShow(t.app, { gaCapacity: 10 });
    const o = await buy(show, { gaAreaId: show.gaAreaId, quantity: 2 });
    const stranger = await buy(show, { gaAreaId: show.gaAreaId, quantity: 1 });
    const unknown = '00000000-0000-4000-8000-000000000000';
    const res = await refund(o.orderId, { ticketIds: [o.tickets[0]!.id, stranger.tickets[0]!.id, unknown] });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().error.code, 'unknown_tickets');
    assert.deepEqual(res.json().error.ticketIds, [stranger.tickets[0]!.id, unknown]);
    assert.equal((await refund(o.orderId, { ticketIds: [] })).statusCode, 400);
    assert.equal((await refund(o.orderId, { ticketIds: ['not-a-uuid'] })).statusCode, 400);
    assert.equal((await refund(o.orderId, { ticketIds: [o.tickets[0]!.id], extra: 1 })).statusCode, 400);
    assert.equal((await refund(unknown, { ticketIds: [o.tickets[0]!.id] })).statusCode, 404);
    const after = await view(o.orderId);
    assert.ok((after.tickets as Ticket[]).every((x) => x.status === 'valid'));
    assert.equal(after.refunds.length, 0);
    assert.equal((await emails(o.orderId, 'order_refund')).length, 0);
  });

  test('refunds: the refund limit and the second-factor rule apply to the amount refunded', async () => {
    const show = await createShow(t.app, { rows: 1, perRow: 4, gaCapacity: 10 });
    const o = await buy(show, { seatIds: show.seats.map((s) => s.id), gaAreaId: show.gaAreaId, quantity: 1 });
    const seatTickets = o.tickets.filter((x) => x.seatId);
    const floor = o.tickets.find((x) => x.gaAreaId)!;

    const desk = await signedInStaff(t.app, 'box_office', { refundLimit: 4000 });
    const over = await refund(o.orderId, { ticketIds: [seatTickets[0]!.id] }, desk.headers);
    assert.deepEqual([over.statusCode, over.json().error.code, over.json().error.permission], [403, 'forbidden', 'orders.refund']);
    assert.equal((await refund(o.orderId, undefined, desk.headers)).statusCode, 403, 'the whole order is above the limit too');
    const within = await refund(o.orderId, { ticketIds: [floor.id] }, desk.headers);
    assert.equal(within.statusCode, 200, within.body);
    assert.equal(within.json().amount, 3000);

    const owner = await signedInStaff(t.app, 'owner');
    await sql`UPDATE sessions SET second_factor_at = now() - interval '6 minutes' WHERE subject_id = ${owner.id}`.execute(t.ctx.db);
    const large = await refund(o.orderId, { ticketIds: seatTickets.slice(0, 2).map((x) => x.id) }, owner.headers);
    assert.deepEqual([large.statusCode, large.json().error.code], [403, 'sudo_required'], '100.00 is above REFUND_SUDO_ABOVE');
    const small = await refund(o.orderId, { ticketIds: [seatTickets[0]!.id] }, owner.headers);
    assert.equal(small.statusCode, 200, `50.00 needs no second factor: ${small.body}`);
    const rest = await refund(o.orderId, undefined, owner.headers);
    assert.deepEqual([rest.statusCode, rest.json().error.code], [403, 'sudo_required'], 'the rest is 150.00');
    const sudo = await t.app.inject({
      method: 'POST',
      url: '/api/auth/staff/sudo',
      headers: owner.headers,
      payload: { totp: nextCode(owner.totpSecret) },
    });
    assert.equal(sudo.statusCode, 204, sudo.body);
    const done = await refund(o.orderId, undefined, owner.headers);
    assert.deepEqual([done.statusCode, done.json().status, done.json().amount], [200, 'refunded', 15000]);
  });
});
