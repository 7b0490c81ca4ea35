import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { createShow, hold, holdAuth } from '../../tests/helpers/fixtures.js';
import { expireHolds } from './holds.service.js';

describe('holds', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });

  test('holds: best 3 in a category are side by side in the best row', async () => {
    const show = await createShow(t.app, { rows: 3, perRow: 6 });
    // Take seat 2 of row 1 so row 1 has no run of 3 starting at seat 1.
    const first = await hold(t.app, show.performanceId, { seatIds: [show.seats.find((s) => s.row === '1' && s.number === 3)!.id] });
    assert.equal(first.statusCode, 201);
    const res = await hold(t.app, show.performanceId, { categoryId: show.categories.Front, quantity: 3 });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.ok(body.holdId && body.expiresAt);
    assert.equal(body.items.length, 3);
    const held = body.items.map((i: { seatId: string }) => show.seats.find((s) => s.id === i.seatId)!);
    assert.equal(new Set(held.map((s: { row: string }) => s.row)).size, 1, 'one row');
    const numbers = held.map((s: { number: number }) => s.number).sort((a: number, b: number) => a - b);
    assert.equal(numbers[2] - numbers[0], 2, 'consecutive');
    assert.ok(body.items.every((i: { price: number; categoryId: string }) => i.price === 5000 && i.categoryId === show.categories.Front));
  });

  test('holds: chosen seats are held, and holding one of them again is a 409 not_enough_inventory', async () => {
    const show = await createShow(t.app);
    const ids = show.seats.slice(0, 2).map((s) => s.id);
    const res = await hold(t.app, show.performanceId, { seatIds: ids });
    assert.equal(res.statusCode, 201);
    assert.deepEqual(
      res
        .json()
        .items.map((i: { seatId: string }) => i.seatId)
        .sort(),
      [...ids].sort(),
    );
    const again = await hold(t.app, show.performanceId, { seatIds: [ids[1]] });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'not_enough_inventory');
    const avail = (await t.app.inject(`/api/performances/${show.performanceId}/availability`)).json();
    assert.deepEqual(
      avail.seats
        .filter((s: { status: string }) => s.status === 'held')
        .map((s: { id: string }) => s.id)
        .sort(),
      [...ids].sort(),
    );
  });

  test('holds: GA places come off the area and back when the hold is released', async () => {
    const show = await createShow(t.app, { gaCapacity: 30 });
    const res = await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 4 });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().items.length, 4);
    assert.ok(res.json().items.every((i: { gaAreaId: string; price: number }) => i.gaAreaId === show.gaAreaId && i.price === 3000));
    const during = (await t.app.inject(`/api/performances/${show.performanceId}/availability`)).json();
    assert.equal(during.gaAreas[0].available, 26);
    assert.equal(during.categories.find((c: { id: string }) => c.id === show.categories.Floor).available, 26);
    const del = await t.app.inject({ method: 'DELETE', url: `/api/holds/${res.json().holdId}`, headers: holdAuth(res.json()) });
    assert.equal(del.statusCode, 204);
    const afterwards = (await t.app.inject(`/api/performances/${show.performanceId}/availability`)).json();
    assert.equal(afterwards.gaAreas[0].available, 30);
    assert.equal(
      (await t.app.inject({ method: 'DELETE', url: `/api/holds/${res.json().holdId}`, headers: holdAuth(res.json()) })).statusCode,
      204,
      'releasing twice is harmless',
    );
  });

  test('holds: bad requests name what is wrong', async () => {
    const show = await createShow(t.app, { maxTicketsPerOrder: 4 });
    const cases: [object, number, string, string?][] = [
      [{}, 400, 'invalid_request', 'body'],
      [{ categoryId: show.categories.Front }, 400, 'invalid_request', 'body.quantity'],
      [{ categoryId: show.categories.Front, quantity: 0 }, 400, 'invalid_request', 'body.quantity'],
      [{ categoryId: 'nope', quantity: 1 }, 400, 'invalid_request', 'body.categoryId'],
      [{ categoryId: show.categories.Front, quantity: 5 }, 400, 'ticket_limit_exceeded', 'quantity'],
      [{ seatIds: [show.seats[0]!.id], gaAreaId: show.gaAreaId }, 400, 'invalid_request', 'body.quantity'],
      [{ seatIds: [show.seats[0]!.id], categoryId: show.categories.Front, quantity: 1 }, 400, 'invalid_request', 'body.categoryId'],
      [{ seatIds: show.seats.slice(0, 3).map((s) => s.id), gaAreaId: show.gaAreaId, quantity: 2 }, 400, 'ticket_limit_exceeded', 'quantity'],
      [{ seatIds: [show.seats[0]!.id, show.seats[0]!.id] }, 400, 'duplicate_seat', 'seatIds'],
      [{ seatIds: ['00000000-0000-4000-8000-000000000000'] }, 400, 'seat_not_for_sale', 'seatIds'],
      [{ gaAreaId: '00000000-0000-4000-8000-000000000000', quantity: 1 }, 400, 'ga_area_not_for_sale', 'gaAreaId'],
      [{ categoryId: '00000000-0000-4000-8000-000000000000', quantity: 1 }, 400, 'category_not_found', 'categoryId'],
      [{ gaAreaId: show.gaAreaId, quantity: 4, extra: 1 }, 400, 'invalid_request', 'body.extra'],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await hold(t.app, show.performanceId, body);
      assert.equal(res.statusCode, status, `${JSON.stringify(body)} -> ${res.body}`);
      assert.equal(res.json().error.code, code, JSON.stringify(body));
      if (field) assert.equal(res.json().error.field, field, JSON.stringify(body));
      assert.ok(res.json().error.message.length > 0);
    }
    const missing = await hold(t.app, '00000000-0000-4000-8000-000000000000', { gaAreaId: show.gaAreaId, quantity: 1 });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'performance_not_found');
    const unknown = '00000000-0000-4000-8000-000000000000';
    assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/holds/${unknown}`, headers: holdAuth(unknown) })).statusCode, 404);
  });

  test('holds: seats and GA places in one hold are taken together, or not at all', async () => {
    const show = await createShow(t.app, { gaCapacity: 5 });
    const seats = show.seats.slice(0, 2).map((s) => s.id);
    const res = await hold(t.app, show.performanceId, { seatIds: seats, gaAreaId: show.gaAreaId, quantity: 1 });
    assert.equal(res.statusCode, 201, res.body);
    const items = res.json().items;
    assert.deepEqual(
      items
        .filter((i: { seatId?: string }) => i.seatId)
        .map((i: { seatId: string }) => i.seatId)
        .sort(),
      [...seats].sort(),
    );
    assert.equal(items.filter((i: { gaAreaId?: string }) => i.gaAreaId).length, 1);
    // Too many GA places: the seats must not stay held either.
    const other = show.seats.slice(2, 4).map((s) => s.id);
    const refused = await hold(t.app, show.performanceId, { seatIds: other, gaAreaId: show.gaAreaId, quantity: 5 });
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().error.code, 'not_enough_inventory');
    const again = await hold(t.app, show.performanceId, { seatIds: other });
    assert.equal(again.statusCode, 201, 'the refused hold left the seats free');
  });

  test('holds: a performance not on sale refuses holds with 409 sale_not_open', async () => {
    const show = await createShow(t.app, { open: false });
    const res = await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error.code, 'sale_not_open');
  });

  test('holds: more than is left is a 409 not_enough_inventory and takes nothing', async () => {
    const show = await createShow(t.app, { rows: 1, perRow: 3, gaCapacity: 2 });
    for (const body of [
      { categoryId: show.categories.Front, quantity: 4 },
      { gaAreaId: show.gaAreaId, quantity: 3 },
    ]) {
      const res = await hold(t.app, show.performanceId, body);
      assert.equal(res.statusCode, 409);
      assert.equal(res.json().error.code, 'not_enough_inventory');
    }
    const avail = (await t.app.inject(`/api/performances/${show.performanceId}/availability`)).json();
    assert.equal(avail.seats.filter((s: { status: string }) => s.status === 'available').length, 3);
    assert.equal(avail.gaAreas[0].available, 2);
  });

  test('holds: an expired hold gives its stock back', async () => {
    const show = await createShow(t.app, { rows: 1, perRow: 2 });
    const res = await hold(t.app, show.performanceId, { categoryId: show.categories.Front, quantity: 2 });
    assert.equal(res.statusCode, 201);
    await t.ctx.db
      .updateTable('holds')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', res.json().holdId)
      .execute();
    assert.equal(
      (await t.app.inject({ url: `/api/holds/${res.json().holdId}`, headers: holdAuth(res.json()) })).json().status,
      'expired',
      'shown expired before the sweep',
    );
    assert.ok((await expireHolds(t.ctx.db)) >= 1);
    t.ctx.availability.invalidate(show.performanceId);
    const avail = (await t.app.inject(`/api/performances/${show.performanceId}/availability`)).json();
    assert.equal(avail.categories.find((c: { id: string }) => c.id === show.categories.Front).available, 2);
    assert.equal((await hold(t.app, show.performanceId, { categoryId: show.categories.Front, quantity: 2 })).statusCode, 201);
  });

  test('holds: 500 buyers racing for the last 50 seats get exactly 50 distinct seats', async () => {
    const show = await createShow(t.app, { rows: 10, perRow: 20 });
    // Sell all but 50 seats first: hold the best 150.
    for (let i = 0; i < 15; i++) assert.equal((await hold(t.app, show.performanceId, { categoryId: show.categories.Front, quantity: 10 })).statusCode, 201);
    const left = (await t.app.inject(`/api/performances/${show.performanceId}/availability`))
      .json()
      .seats.filter((s: { status: string }) => s.status === 'available')
      .map((s: { id: string }) => s.id);
    assert.equal(left.length, 50);
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        hold(t.app, show.performanceId, i % 5 === 0 ? { seatIds: [left[i % 50]] } : { categoryId: show.categories.Front, quantity: 1 }),
      ),
    );
    const won = results.filter((r) => r.statusCode === 201);
    const lost = results.filter((r) => r.statusCode !== 201);
    const seats = won.flatMap((r) => r.json().items.map((i: { seatId: string }) => i.seatId));
    assert.equal(won.length, 50, `winners: ${won.length}, statuses: ${[...new Set(results.map((r) => r.statusCode))]}`);
    assert.equal(new Set(seats).size, 50, 'all distinct');
    assert.ok(seats.every((id: string) => left.includes(id)));
    assert.ok(
      lost.every((r) => r.statusCode === 409 && r.json().error.code === 'not_enough_inventory'),
      'losers are told there is not enough',
    );
    const db = await t.ctx.db
      .selectFrom('performance_seats')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('performance_id', '=', show.performanceId)
      .where('status', '=', 'available')
      .executeTakeFirstOrThrow();
    assert.equal(db.n, 0);
  });

  test('holds: 200 concurrent GA holds of 2 on capacity 101 never pass 101', async () => {
    const show = await createShow(t.app, { gaCapacity: 101 });
    const results = await Promise.all(Array.from({ length: 200 }, () => hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 2 })));
    const won = results.filter((r) => r.statusCode === 201);
    assert.equal(won.length, 50, 'fifty pairs fit in 101');
    assert.ok(results.every((r) => r.statusCode === 201 || r.json().error.code === 'not_enough_inventory'));
    const stock = await t.ctx.db
      .selectFrom('ga_stock')
      .select((eb) => [eb.fn.sum<number>('taken').as('taken'), eb.fn.sum<number>('capacity').as('capacity')])
      .where('performance_id', '=', show.performanceId)
      .executeTakeFirstOrThrow();
    assert.equal(Number(stock.capacity), 101);
    assert.equal(Number(stock.taken), 100);
    const single = await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 });
    assert.equal(single.statusCode, 201, 'the last place is still sellable');
    assert.equal((await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 })).statusCode, 409);
  });
});
