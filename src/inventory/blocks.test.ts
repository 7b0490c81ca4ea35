import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { createShow, hold, holdAuth, type Show } from '../../tests/helpers/fixtures.js';
import { signedInStaff, type SignedIn } from '../../tests/helpers/staff.js';
import { expireHolds } from './holds.service.js';

describe('seat blocks', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp({ LOG_LEVEL: 'error' });
  });
  after(async () => {
    await t?.close();
  });

  const block = (show: Show, payload: object, headers: Record<string, string> = admin) =>
    t.app.inject({ method: 'POST', url: `/api/admin/performances/${show.performanceId}/blocks`, headers, payload });
  const release = (show: Show, payload: object, headers: Record<string, string> = admin) =>
    t.app.inject({ method: 'POST', url: `/api/admin/performances/${show.performanceId}/blocks/release`, headers, payload });
  const availability = async (show: Show) => (await t.app.inject(`/api/performances/${show.performanceId}/availability`)).json();
  const sales = async (show: Show) => (await t.app.inject({ url: `/api/admin/performances/${show.performanceId}/sales`, headers: admin })).json();

  test('blocks: blocked seats and GA places leave the public map and counts, never expire, and come back on release', async () => {
    const show = await createShow(t.app, { rows: 2, perRow: 5, gaCapacity: 20 });
    const seatIds = show.seats.slice(0, 3).map((s) => s.id);
    const res = await block(show, { kind: 'house', note: 'Producer and guests', seatIds, ga: [{ gaAreaId: show.gaAreaId, quantity: 5 }] });
    assert.equal(res.statusCode, 201, res.body);
    const created = res.json();
    assert.equal(created.kind, 'house');
    assert.equal(created.note, 'Producer and guests');
    assert.equal(created.quantity, 8);
    assert.deepEqual(created.seats.map((s: { id: string }) => s.id).sort(), [...seatIds].sort());
    assert.deepEqual(created.ga, [{ gaAreaId: show.gaAreaId, name: 'Floor', quantity: 5 }]);
    assert.equal(created.createdBy, 'break_glass');

    const avail = await availability(show);
    assert.deepEqual(
      avail.seats
        .filter((s: { status: string }) => s.status !== 'available')
        .map((s: { id: string }) => s.id)
        .sort(),
      [...seatIds].sort(),
    );
    assert.equal(avail.gaAreas[0].available, 15);
    assert.equal(avail.categories.find((c: { id: string }) => c.id === show.categories.Front).available, 7);
    const status = (await t.app.inject(`/api/performances/${show.performanceId}/availability/status`)).json();
    assert.deepEqual(status.unavailableSeatIds.sort(), [...seatIds].sort());

    // A fan cannot hold a blocked seat; the expiry job leaves blocks alone.
    const fan = await hold(t.app, show.performanceId, { seatIds: [seatIds[0]] });
    assert.equal(fan.statusCode, 409);
    await t.ctx.db
      .updateTable('holds')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', created.id)
      .execute();
    await expireHolds(t.ctx.db);
    const listed = (await t.app.inject({ url: `/api/admin/performances/${show.performanceId}/blocks`, headers: admin })).json();
    assert.equal(listed.blocks.length, 1);
    assert.equal(listed.blocks[0].quantity, 8);

    const report = await sales(show);
    assert.equal(report.blocked, 8);
    assert.equal(report.held, 0);
    assert.equal(report.sold, 0);
    assert.equal(report.available, 7 + 15);
    assert.equal(report.capacity, 30);

    // Release one seat and two GA places, then the rest.
    const some = await release(show, { blockId: created.id, seatIds: [seatIds[0]], ga: [{ gaAreaId: show.gaAreaId, quantity: 2 }] });
    assert.equal(some.statusCode, 200, some.body);
    assert.deepEqual(some.json().released, { seats: 1, ga: 2 });
    assert.equal(some.json().blocks[0].quantity, 5);
    assert.equal((await availability(show)).gaAreas[0].available, 17);
    assert.equal((await hold(t.app, show.performanceId, { seatIds: [seatIds[0]] })).statusCode, 201, 'a released seat can be held');
    const rest = await release(show, { blockId: created.id });
    assert.equal(rest.statusCode, 200, rest.body);
    assert.deepEqual(rest.json(), { released: { seats: 2, ga: 3 }, blocks: [] });
    assert.equal((await availability(show)).gaAreas[0].available, 20);
    const hold2 = await t.ctx.db.selectFrom('holds').select(['status', 'quantity']).where('id', '=', created.id).executeTakeFirstOrThrow();
    assert.deepEqual(hold2, { status: 'released', quantity: 0 });

    const entries = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'data', 'actor'])
      .where('subject_id', '=', show.performanceId)
      .where('action', 'like', 'inventory.block.%')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      entries.map((e) => e.action),
      ['inventory.block.created', 'inventory.block.released', 'inventory.block.released'],
    );
    assert.equal((entries[0]!.data as { kind: string }).kind, 'house');
    assert.equal((entries[0]!.data as { note: string }).note, 'Producer and guests');
  });

  test('blocks: blocking a seat that is held, sold or blocked is a 409 naming each seat, and nothing is blocked', async () => {
    const show = await createShow(t.app, { rows: 1, perRow: 6 });
    const [a, b, c, d] = show.seats;
    assert.equal((await hold(t.app, show.performanceId, { seatIds: [a!.id] })).statusCode, 201);
    assert.equal((await block(show, { kind: 'production', seatIds: [b!.id] })).statusCode, 201);
    const res = await block(show, { kind: 'accessibility', seatIds: [a!.id, b!.id, c!.id] });
    assert.equal(res.statusCode, 409, res.body);
    const error = res.json().error;
    assert.equal(error.code, 'seats_unavailable');
    assert.deepEqual(error.seatIds.sort(), [a!.id, b!.id].sort());
    assert.deepEqual(Object.fromEntries(error.seats.map((s: { id: string; state: string }) => [s.id, s.state])), { [a!.id]: 'held', [b!.id]: 'blocked' });
    assert.match(error.message, /\(held\)/);
    assert.equal((await availability(show)).seats.find((s: { id: string }) => s.id === c!.id).status, 'available', 'all or nothing');
    // Too many GA places, a seat of another venue, an empty body, a bad kind.
    const ga = await block(show, { kind: 'house', ga: [{ gaAreaId: show.gaAreaId, quantity: 101 }] });
    assert.equal(ga.statusCode, 409);
    assert.equal(ga.json().error.code, 'not_enough_inventory');
    const other = await createShow(t.app, { rows: 1, perRow: 1 });
    const foreign = await block(show, { kind: 'house', seatIds: [other.seats[0]!.id] });
    assert.equal(foreign.statusCode, 400);
    assert.equal(foreign.json().error.code, 'seat_not_for_sale');
    assert.equal((await block(show, { kind: 'house' })).statusCode, 400);
    assert.equal((await block(show, { kind: 'vip', seatIds: [d!.id] })).statusCode, 400);
    assert.equal((await block(show, { kind: 'house', seatIds: [d!.id, d!.id] })).json().error.code, 'duplicate_seat');
    // Releasing a seat that is not blocked names it; nothing is released.
    const wrong = await release(show, { seatIds: [b!.id, c!.id] });
    assert.equal(wrong.statusCode, 409);
    assert.equal(wrong.json().error.code, 'seat_not_blocked');
    assert.deepEqual(wrong.json().error.seatIds, [c!.id]);
    assert.equal((await availability(show)).seats.find((s: { id: string }) => s.id === b!.id).status, 'held');
    assert.equal((await release(show, { ga: [{ gaAreaId: show.gaAreaId, quantity: 1 }] })).statusCode, 400, 'GA release names its block');
  });

  test('blocks: blocking the last stock sells the performance out, and releasing puts it back on sale', async () => {
    const show = await createShow(t.app, { rows: 1, perRow: 2, gaCapacity: 1 });
    const res = await block(show, { kind: 'production', seatIds: show.seats.map((s) => s.id), ga: [{ gaAreaId: show.gaAreaId, quantity: 1 }] });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal((await availability(show)).status, 'sold_out');
    assert.equal((await release(show, { seatIds: [show.seats[0]!.id] })).statusCode, 200);
    assert.equal((await availability(show)).status, 'on_sale');
  });

  test('blocks: only roles with inventory.block block and release, within their events; sales readers list them', async () => {
    const show = await createShow(t.app, { rows: 1, perRow: 4 });
    const other = await createShow(t.app, { rows: 1, perRow: 4 });
    const manager: SignedIn = await signedInStaff(t.app, 'event_manager', { eventIds: [show.eventId] });
    const boxOffice = await signedInStaff(t.app, 'box_office');
    const support = await signedInStaff(t.app, 'support');
    const mine = await block(show, { kind: 'house', seatIds: [show.seats[0]!.id] }, manager.headers);
    assert.equal(mine.statusCode, 201, mine.body);
    assert.equal(mine.json().createdBy, `staff:${manager.id}`);
    const theirs = await block(other, { kind: 'house', seatIds: [other.seats[0]!.id] }, manager.headers);
    assert.equal(theirs.statusCode, 403);
    assert.equal(theirs.json().error.scope, true);
    const refused = await block(show, { kind: 'house', seatIds: [show.seats[1]!.id] }, boxOffice.headers);
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.permission, 'inventory.block');
    assert.equal((await release(show, { blockId: mine.json().id }, boxOffice.headers)).statusCode, 403);
    const list = await t.app.inject({ url: `/api/admin/performances/${show.performanceId}/blocks`, headers: boxOffice.headers });
    assert.equal(list.statusCode, 200);
    assert.equal(list.json().blocks.length, 1);
    assert.equal((await t.app.inject({ url: `/api/admin/performances/${show.performanceId}/blocks`, headers: support.headers })).statusCode, 403);
    assert.equal((await release(show, { blockId: mine.json().id }, manager.headers)).statusCode, 200);
  });

  test('blocks: a fan whose hold ends sees the seat come back; a block on it afterwards is fine', async () => {
    const show = await createShow(t.app, { rows: 1, perRow: 2 });
    const fan = await hold(t.app, show.performanceId, { seatIds: [show.seats[0]!.id] });
    assert.equal((await block(show, { kind: 'other', seatIds: [show.seats[0]!.id] })).statusCode, 409);
    await t.app.inject({ method: 'DELETE', url: `/api/holds/${fan.json().holdId}`, headers: holdAuth(fan.json()) });
    assert.equal((await block(show, { kind: 'other', seatIds: [show.seats[0]!.id] })).statusCode, 201);
  });
});
