import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import type { App } from '../src/app.js';
import { admin, testApp, testPayments, type TestApp } from './helpers/app.js';
import { databaseAvailable, skipReason } from './helpers/database.js';
import { buyer, cardToken, createShow, holdAuth } from './helpers/fixtures.js';

/**
 * Fans buying through the public API race with staff blocking, releasing, comping and selling at
 * the counter, all on the same few seats and GA places. Whatever interleaving the database
 * chooses, no seat gets two valid tickets, no GA area passes its capacity, and every call either
 * succeeds or is refused with a clean 409.
 */
describe('staff stock under a race', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  let payments: App;
  before(async () => {
    t = await testApp({ LOG_LEVEL: 'error' }, 30);
    payments = await testPayments(t.ctx);
  });
  after(async () => {
    await payments?.close();
    await t?.close();
  });

  test('race: 60 fans, blocks, releases, comps and counter sales on 8 seats and 12 GA places never sell a place twice', async () => {
    const show = await createShow(t.app, { rows: 1, perRow: 8, gaCapacity: 12 });
    const seats = show.seats.map((s) => s.id);
    const pickSeats = (n: number) => [...seats].sort(() => Math.random() - 0.5).slice(0, n);
    const base = `/api/admin/performances/${show.performanceId}`;
    const outcomes: { who: string; status: number; code?: string }[] = [];
    let busy = 0;
    // As the pages do: a 503 `busy` (contention) is retried after its Retry-After, here at once.
    const inject = async (options: InjectOptions) => {
      for (let attempt = 1; ; attempt++) {
        const res = await t.app.inject(options);
        if (res.statusCode !== 503 || attempt === 20) return res;
        busy++;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    };
    const note = (who: string, res: { statusCode: number; json(): { error?: { code: string } } }) => {
      outcomes.push({ who, status: res.statusCode, code: res.statusCode >= 400 ? res.json().error?.code : undefined });
      return res.statusCode < 300;
    };
    let issuedSeatTickets = 0;
    let issuedGaTickets = 0;
    const count = (tickets: { seatId?: string | null }[] | undefined, ga: number) => {
      if (!tickets) return;
      issuedGaTickets += ga;
      issuedSeatTickets += tickets.length - ga;
    };

    const fan = async (i: number) => {
      const wantsGa = i % 3 === 0;
      const body = wantsGa ? { gaAreaId: show.gaAreaId, quantity: 1 + (i % 3) } : { seatIds: pickSeats(1 + (i % 2)) };
      const h = await inject({ method: 'POST', url: `/api/performances/${show.performanceId}/holds`, payload: body });
      if (!note('fan hold', h)) return;
      const o = await inject({
        method: 'POST',
        url: `/api/holds/${h.json().holdId}/order`,
        headers: { 'idempotency-key': `key-${h.json().holdId}`, ...holdAuth(h.json()) },
        payload: { buyer },
      });
      if (!note('fan order', o)) return;
      const token = await cardToken(payments, o.json().payment.sessionId);
      const paid = await inject({ method: 'POST', url: `/api/orders/${o.json().orderId}/payment`, payload: { token } });
      if (note('fan payment', paid)) count(paid.json().tickets, wantsGa ? body.quantity! : 0);
    };
    const blocker = async (i: number) => {
      const res = await inject({
        method: 'POST',
        url: `${base}/blocks`,
        headers: admin,
        payload: i % 2 ? { kind: 'production', seatIds: pickSeats(2) } : { kind: 'house', ga: [{ gaAreaId: show.gaAreaId, quantity: 2 }] },
      });
      if (!note('block', res) || i % 3 !== 0) return;
      const released = await inject({ method: 'POST', url: `${base}/blocks/release`, headers: admin, payload: { blockId: res.json().id } });
      note('release', released);
    };
    const comper = async (i: number) => {
      const blocks = (await t.app.inject({ url: `${base}/blocks`, headers: admin })).json().blocks as {
        id: string;
        seats: { id: string }[];
        ga: { quantity: number }[];
      }[];
      const fromBlock = blocks.find((b) => b.ga.length > 0);
      const payload =
        i % 2 && fromBlock
          ? { ga: [{ gaAreaId: show.gaAreaId, quantity: 1, blockId: fromBlock.id }] }
          : { seatIds: blocks[0]?.seats.length ? [blocks[0].seats[0]!.id] : pickSeats(1) };
      const res = await inject({
        method: 'POST',
        url: `${base}/comps`,
        headers: admin,
        payload: { ...payload, reason: `Guest ${i}`, recipient: { name: `Guest ${i}`, email: `guest${i}@example.com`, locale: 'nl' } },
      });
      if (note('comp', res)) count(res.json().tickets, 'ga' in payload ? 1 : 0);
    };
    const counter = async (i: number) => {
      const payload =
        i % 2 ? { seatIds: pickSeats(1), paymentMethod: 'cash' } : { ga: [{ gaAreaId: show.gaAreaId, quantity: 2 }], paymentMethod: 'card_present' };
      const res = await inject({ method: 'POST', url: `${base}/box-office-sales`, headers: { ...admin, 'idempotency-key': `race-${i}` }, payload });
      if (note('counter', res)) count(res.json().tickets, 'ga' in payload ? 2 : 0);
    };

    const calls: Promise<void>[] = [];
    for (let i = 0; i < 60; i++) calls.push(fan(i));
    for (let i = 0; i < 12; i++) calls.push(blocker(i), comper(i), counter(i));
    await Promise.all(calls);

    const unclean = outcomes.filter((o) => o.status >= 300 && o.status !== 409);
    assert.deepEqual(unclean, [], 'every refusal is a clean 409');
    const ok = outcomes.filter((o) => o.status < 300).length;
    console.log(`# metric race: ${outcomes.length} calls, ${ok} succeeded, ${outcomes.length - ok} refused with 409; ${busy} busy answers retried`);

    const id = show.performanceId;
    const doubles = await sql<{ seat_id: string }>`
      SELECT seat_id FROM tickets WHERE performance_id = ${id} AND seat_id IS NOT NULL AND status = 'valid' GROUP BY seat_id HAVING count(*) > 1`.execute(
      t.ctx.db,
    );
    assert.deepEqual(doubles.rows, [], 'no seat has two valid tickets');
    // Every sold seat has its one ticket, and every seat with a ticket is sold.
    const mismatched = await sql<{ seat_id: string }>`
      SELECT ps.seat_id FROM performance_seats ps
      LEFT JOIN tickets tk ON tk.performance_id = ps.performance_id AND tk.seat_id = ps.seat_id AND tk.status = 'valid'
      WHERE ps.performance_id = ${id} AND (ps.status = 'sold') <> (tk.id IS NOT NULL)`.execute(t.ctx.db);
    assert.deepEqual(mismatched.rows, []);
    const ga = await sql<{ capacity: number; taken: number; tickets: number; kept: number }>`
      SELECT (SELECT sum(capacity)::int FROM ga_stock WHERE performance_id = ${id}) AS capacity,
             (SELECT sum(taken)::int FROM ga_stock WHERE performance_id = ${id}) AS taken,
             (SELECT count(*)::int FROM tickets WHERE performance_id = ${id} AND ga_area_id IS NOT NULL AND status = 'valid') AS tickets,
             (SELECT coalesce(sum(h.quantity), 0)::int FROM hold_ga_items h JOIN holds ON holds.id = h.hold_id
               WHERE h.performance_id = ${id} AND holds.status = 'active') AS kept`.execute(t.ctx.db);
    const g = ga.rows[0]!;
    assert.ok(g.taken <= g.capacity, `GA taken ${g.taken} <= ${g.capacity}`);
    assert.equal(g.taken, g.tickets + g.kept, 'every taken GA place is a valid ticket or in a live hold or block');
    const tickets = await sql<{ seats: number; ga: number }>`
      SELECT count(*) FILTER (WHERE seat_id IS NOT NULL)::int AS seats, count(*) FILTER (WHERE ga_area_id IS NOT NULL)::int AS ga
      FROM tickets WHERE performance_id = ${id} AND status = 'valid'`.execute(t.ctx.db);
    assert.deepEqual(tickets.rows[0], { seats: issuedSeatTickets, ga: issuedGaTickets }, 'the tickets are exactly those the successful calls answered');
    // Blocked seats are exactly the seats in active blocks.
    const strays = await sql<{ seat_id: string }>`
      SELECT ps.seat_id FROM performance_seats ps LEFT JOIN holds h ON h.id = ps.hold_id
      WHERE ps.performance_id = ${id} AND ps.status = 'held' AND NOT (h.status = 'active')`.execute(t.ctx.db);
    assert.deepEqual(strays.rows, []);
  });
});
