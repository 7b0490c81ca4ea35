import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { createShow, hold, type Show } from '../../tests/helpers/fixtures.js';
import { signedInStaff } from '../../tests/helpers/staff.js';

describe('comps and counter sales', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp({ LOG_LEVEL: 'error' });
  });
  after(async () => {
    await t?.close();
  });

  const recipient = { name: 'Marta Soler', email: 'marta@example.com', locale: 'es' };
  const comp = (show: Show, payload: object, headers: Record<string, string> = admin) =>
    t.app.inject({ method: 'POST', url: `/api/admin/performances/${show.performanceId}/comps`, headers, payload });
  const counter = (show: Show, payload: object, key: string, headers: Record<string, string> = admin) =>
    t.app.inject({
      method: 'POST',
      url: `/api/admin/performances/${show.performanceId}/box-office-sales`,
      headers: { ...headers, 'idempotency-key': key },
      payload,
    });
  const block = (show: Show, payload: object) =>
    t.app.inject({ method: 'POST', url: `/api/admin/performances/${show.performanceId}/blocks`, headers: admin, payload });
  const sales = async (show: Show) => (await t.app.inject({ url: `/api/admin/performances/${show.performanceId}/sales`, headers: admin })).json();

  test('comps: house seats and GA places become a free paid order with tickets, an email in the recipient’s language, an audit entry, and no revenue', async () => {
    const show = await createShow(t.app, { rows: 1, perRow: 6, gaCapacity: 10 });
    const { venue_id } = await t.ctx.db.selectFrom('performances').select('venue_id').where('id', '=', show.performanceId).executeTakeFirstOrThrow();
    await t.ctx.db.updateTable('venues').set({ time_zone: 'America/Puerto_Rico' }).where('id', '=', venue_id).execute();
    const house = await block(show, { kind: 'house', seatIds: show.seats.slice(0, 3).map((s) => s.id), ga: [{ gaAreaId: show.gaAreaId, quantity: 4 }] });
    assert.equal(house.statusCode, 201, house.body);
    const res = await comp(show, {
      seatIds: [show.seats[0]!.id, show.seats[5]!.id],
      ga: [{ gaAreaId: show.gaAreaId, quantity: 2, blockId: house.json().id }],
      reason: 'Press night: critic of El Diario',
      recipient,
    });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.status, 'paid');
    assert.equal(body.channel, 'comp');
    assert.equal(body.paymentMethod, 'none');
    assert.equal(body.total, 0);
    assert.equal(body.tickets.length, 4);
    assert.ok(body.tickets.every((x: { price: number }) => x.price === 0));
    for (const ticket of body.tickets) assert.equal(t.ctx.tickets.verify(ticket.code)?.ticketId, ticket.id);
    assert.equal(body.confirmationQueued, true);
    const order = await t.ctx.db.selectFrom('orders').selectAll().where('id', '=', body.orderId).executeTakeFirstOrThrow();
    assert.equal(order.channel, 'comp');
    assert.equal(order.payment_method, 'none');
    assert.equal(order.comp_reason, 'Press night: critic of El Diario');
    assert.equal(order.created_by, 'break_glass');
    const mail = await t.ctx.db.selectFrom('outbox').selectAll().where('order_id', '=', body.orderId).executeTakeFirstOrThrow();
    assert.equal(mail.recipient, 'marta@example.com');
    assert.equal(mail.locale, 'es');
    // A gift, not a purchase: no "thank you for your purchase", no 0,00 € price; the venue's time named.
    assert.match(mail.body_text, /boletos de cortesía/);
    assert.match(mail.body_text, /Total: Cortesía/);
    assert.doesNotMatch(mail.body_text, /Gracias por tu compra|0,00/);
    assert.match(mail.body_text, /\(hora de Puerto Rico\)/, 'the date is in the venue’s time, the zone named');
    const entry = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('subject_id', '=', body.orderId)
      .where('action', '=', 'sales.order.comp_issued')
      .executeTakeFirstOrThrow();
    const data = entry.data as { reason: string; fromBlocks: Record<string, { seatIds: string[]; ga: unknown[] }> };
    assert.equal(data.reason, 'Press night: critic of El Diario');
    assert.deepEqual(data.fromBlocks[house.json().id]!.seatIds, [show.seats[0]!.id]);
    // The block kept the rest; the PDF opens with the access token; reports count the comp apart.
    const blocks = (await t.app.inject({ url: `/api/admin/performances/${show.performanceId}/blocks`, headers: admin })).json().blocks;
    assert.equal(blocks[0].quantity, 4);
    const pdf = await t.app.inject({ url: body.ticketsPdfUrl, headers: { authorization: `Bearer ${body.accessToken}` } });
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    const report = await sales(show);
    assert.equal(report.revenue, 0);
    assert.equal(report.orders.paid, 0);
    assert.equal(report.orders.comp, 1);
    assert.equal(report.compTickets, 4);
    assert.equal(report.sold, 4);
    assert.equal(report.blocked, 4);
  });

  test('comps: validation names the field; a held or sold seat is a 409 naming it and nothing is issued', async () => {
    const show = await createShow(t.app, { rows: 1, perRow: 4 });
    assert.equal((await comp(show, { seatIds: [show.seats[0]!.id], recipient })).statusCode, 400, 'reason required');
    const blank = await comp(show, { seatIds: [show.seats[0]!.id], reason: '   ', recipient });
    assert.equal(blank.statusCode, 400);
    assert.equal(blank.json().error.field, 'body.reason');
    assert.equal((await comp(show, { seatIds: [show.seats[0]!.id], reason: 'x', recipient: { ...recipient, email: 'nope' } })).statusCode, 400);
    assert.equal((await comp(show, { seatIds: [show.seats[0]!.id], reason: 'x', recipient: { ...recipient, locale: 'de' } })).statusCode, 400);
    assert.equal((await comp(show, { reason: 'x', recipient })).statusCode, 400, 'nothing to issue');
    const fan = await hold(t.app, show.performanceId, { seatIds: [show.seats[1]!.id] });
    assert.equal(fan.statusCode, 201);
    const refused = await comp(show, { seatIds: [show.seats[0]!.id, show.seats[1]!.id], reason: 'Sponsor', recipient });
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().error.code, 'seats_unavailable');
    assert.deepEqual(refused.json().error.seatIds, [show.seats[1]!.id]);
    const orders = await t.ctx.db.selectFrom('orders').select('id').where('performance_id', '=', show.performanceId).execute();
    assert.equal(orders.length, 0);
    const avail = (await t.app.inject(`/api/performances/${show.performanceId}/availability`)).json();
    assert.equal(avail.seats.find((s: { id: string }) => s.id === show.seats[0]!.id).status, 'available');
  });

  test('box office: a cash sale at current prices is paid at once with tickets, replays on its key, refunds without the provider', async () => {
    const show = await createShow(t.app, { rows: 1, perRow: 4, gaCapacity: 5 });
    const payload = { seatIds: [show.seats[0]!.id], ga: [{ gaAreaId: show.gaAreaId, quantity: 2 }], paymentMethod: 'cash' };
    const res = await counter(show, payload, 'till-1-sale-1');
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.channel, 'box_office');
    assert.equal(body.paymentMethod, 'cash');
    assert.equal(body.total, 5000 + 2 * 3000);
    assert.equal(body.tickets.length, 3);
    assert.equal(body.confirmationQueued, false, 'no email given, none sent');
    assert.equal(body.buyer.email, '');
    const again = await counter(show, payload, 'till-1-sale-1');
    assert.equal(again.statusCode, 201);
    assert.equal(again.json().orderId, body.orderId);
    assert.deepEqual(
      again
        .json()
        .tickets.map((x: { code: string }) => x.code)
        .sort(),
      body.tickets.map((x: { code: string }) => x.code).sort(),
    );
    const reused = await counter(show, { ...payload, paymentMethod: 'card_present' }, 'till-1-sale-1');
    assert.equal(reused.statusCode, 409);
    assert.equal(reused.json().error.code, 'idempotency_key_reused');
    assert.equal(
      (await t.app.inject({ method: 'POST', url: `/api/admin/performances/${show.performanceId}/box-office-sales`, headers: admin, payload })).statusCode,
      400,
      'key required',
    );
    const report = await sales(show);
    assert.equal(report.revenue, 11000);
    assert.equal(report.orders.paid, 1);
    assert.equal(report.sold, 3);
    // With an email: the confirmation goes out; a card-present sale of the same seat is a 409.
    const withEmail = await counter(
      show,
      { seatIds: [show.seats[1]!.id], paymentMethod: 'card_present', buyer: { name: 'Luis', email: 'luis@example.com', locale: 'fr' } },
      'till-1-sale-2',
    );
    assert.equal(withEmail.statusCode, 201, withEmail.body);
    assert.equal(withEmail.json().confirmationQueued, true);
    const sold = await t.ctx.db.selectFrom('outbox').select('body_text').where('order_id', '=', withEmail.json().orderId).executeTakeFirstOrThrow();
    assert.match(sold.body_text, /Merci pour votre achat/, 'a counter sale is a purchase, in the buyer’s language');
    assert.doesNotMatch(sold.body_text, /Offert/);
    const twice = await counter(show, { seatIds: [show.seats[1]!.id], paymentMethod: 'cash' }, 'till-1-sale-3');
    assert.equal(twice.statusCode, 409);
    assert.match(twice.json().error.message, /\(sold\)/);
    // Refunding a cash sale returns the stock without asking the online provider.
    const refund = await t.app.inject({ method: 'POST', url: `/api/admin/orders/${body.orderId}/refund`, headers: admin });
    assert.equal(refund.statusCode, 200, refund.body);
    assert.equal(refund.json().status, 'refunded', refund.body);
    assert.equal(refund.json().refundId, undefined, 'no provider refund: the cash goes back at the counter');
    assert.equal((await sales(show)).available, 3 + 5, 'seat 1 and the GA places are back; seat 2 stays sold');
    const entry = await t.ctx.db
      .selectFrom('audit_log')
      .select('data')
      .where('subject_id', '=', body.orderId)
      .where('action', '=', 'sales.order.box_office_sold')
      .executeTakeFirstOrThrow();
    assert.equal((entry.data as { paymentMethod: string }).paymentMethod, 'cash');
  });

  test('box office: sells while sales are paused and sells the last seats out; roles are checked', async () => {
    const show = await createShow(t.app, { rows: 1, perRow: 2, gaCapacity: 1 });
    const boxOffice = await signedInStaff(t.app, 'box_office');
    const manager = await signedInStaff(t.app, 'event_manager', { eventIds: [show.eventId] });
    const support = await signedInStaff(t.app, 'support');
    const refused = await counter(show, { seatIds: [show.seats[0]!.id], paymentMethod: 'cash' }, 'k1', manager.headers);
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.permission, 'orders.box_office');
    const noComp = await comp(show, { seatIds: [show.seats[0]!.id], reason: 'x', recipient }, boxOffice.headers);
    assert.equal(noComp.statusCode, 403);
    assert.equal(noComp.json().error.permission, 'orders.comp');
    assert.equal((await comp(show, { seatIds: [show.seats[0]!.id], reason: 'x', recipient }, support.headers)).statusCode, 403);
    assert.equal((await t.app.inject({ method: 'POST', url: `/api/admin/performances/${show.performanceId}/pause`, headers: admin })).statusCode, 200);
    const sold = await counter(show, { seatIds: [show.seats[0]!.id], paymentMethod: 'cash' }, 'k1', boxOffice.headers);
    assert.equal(sold.statusCode, 201, sold.body);
    const order = await t.ctx.db.selectFrom('orders').select('created_by').where('id', '=', sold.json().orderId).executeTakeFirstOrThrow();
    assert.equal(order.created_by, `staff:${boxOffice.id}`);
    // Another staff member's identical key is their own.
    const managerComp = await comp(show, { seatIds: [show.seats[1]!.id], reason: 'Cast family', recipient }, manager.headers);
    assert.equal(managerComp.statusCode, 201, managerComp.body);
    assert.equal((await t.app.inject({ method: 'POST', url: `/api/admin/performances/${show.performanceId}/resume`, headers: admin })).statusCode, 200);
    const last = await counter(show, { ga: [{ gaAreaId: show.gaAreaId, quantity: 1 }], paymentMethod: 'card_present' }, 'k2', boxOffice.headers);
    assert.equal(last.statusCode, 201, last.body);
    assert.equal((await t.app.inject(`/api/performances/${show.performanceId}/availability`)).json().status, 'sold_out');
  });
});
