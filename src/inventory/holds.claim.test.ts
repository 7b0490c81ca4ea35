import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { testApp, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { createShow } from '../../tests/helpers/fixtures.js';
import { claimBestSeats } from './holds.claim.repository.js';
import { lockBestSeats } from './holds.repository.js';
import { chooseSeats } from './seat-selection.js';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('holds in one statement', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });

  test('holds: the one-statement claim picks the seats chooseSeats picks, on 60 random houses with gaps', async () => {
    const show = await createShow(t.app, { rows: 6, perRow: 12, maxTicketsPerOrder: 8 });
    const db = t.ctx.db;
    const categoryId = show.categories.Front!;
    const next = random(15);
    for (let round = 0; round < 60; round++) {
      // A house with a random share of its seats already taken, as after a busy on-sale.
      await db.updateTable('performance_seats').set({ status: 'available', hold_id: null }).where('performance_id', '=', show.performanceId).execute();
      await db.deleteFrom('holds').where('performance_id', '=', show.performanceId).execute();
      const taken = show.seats.filter(() => next() < 0.1 + 0.6 * next()).map((s: { id: string }) => s.id);
      if (taken.length) {
        const blocker = await db
          .insertInto('holds')
          .values({ performance_id: show.performanceId, expires_at: new Date(Date.now() + 600_000) })
          .returning('id')
          .executeTakeFirstOrThrow();
        await db.updateTable('performance_seats').set({ status: 'held', hold_id: blocker.id }).where('seat_id', 'in', taken).execute();
      }
      const quantity = 1 + Math.floor(next() * 6);
      const window = quantity === 1 ? 1 : Math.min(quantity * 3, quantity + 12);

      // What the transaction of holds.service.ts would choose from the same candidates.
      const expected = await db.transaction().execute(async (tx) => {
        const candidates = await lockBestSeats(tx, show.performanceId, categoryId, window);
        return candidates.length < quantity ? null : chooseSeats(candidates, quantity);
      });
      const claimed = await claimBestSeats(
        db,
        { performanceId: show.performanceId, quantity, ttlSeconds: 60, idempotencyKey: null, requestHash: null },
        categoryId,
        window,
      );
      const said = `round ${round}, ${quantity} seats, ${taken.length} taken`;
      if (expected === null) {
        assert.equal(claimed.hold, null, `${said}: too few left, nothing is held`);
        continue;
      }
      assert.ok(claimed.hold, said);
      assert.deepEqual(claimed.items.map((i) => i.seat_id).sort(), [...expected].sort(), said);
      const held = await db.selectFrom('performance_seats').select('seat_id').where('hold_id', '=', claimed.hold.id).where('status', '=', 'held').execute();
      assert.deepEqual(held.map((s) => s.seat_id).sort(), [...expected].sort(), `${said}: the rows say so too`);
      const { rows } = await sql<{ quantity: number }>`SELECT quantity FROM holds WHERE id = ${claimed.hold.id}`.execute(db);
      assert.equal(rows[0]!.quantity, quantity);
    }
  });

  test('holds: 60 buyers choosing overlapping pairs of 12 seats at once never hold a seat twice', async () => {
    const show = await createShow(t.app, { rows: 1, perRow: 12 });
    const ids = show.seats.map((s: { id: string }) => s.id);
    const next = random(7);
    const pairs = Array.from({ length: 60 }, () => {
      const a = Math.floor(next() * ids.length);
      const b = (a + 1 + Math.floor(next() * (ids.length - 1))) % ids.length;
      return [ids[a]!, ids[b]!];
    });
    const answers = await Promise.all(
      pairs.map((seatIds) => t.app.inject({ method: 'POST', url: `/api/performances/${show.performanceId}/holds`, payload: { seatIds } })),
    );
    const codes = answers.map((a) => (a.statusCode === 201 ? 201 : `${a.statusCode} ${a.json().error.code}`));
    assert.ok(
      codes.every((c) => c === 201 || c === '409 not_enough_inventory'),
      codes.join(', '),
    );
    const held = answers.filter((a) => a.statusCode === 201).flatMap((a) => a.json().items.map((i: { seatId: string }) => i.seatId));
    assert.equal(new Set(held).size, held.length, 'no seat in two holds');
    const rows = await t.ctx.db
      .selectFrom('performance_seats')
      .select(['seat_id', 'hold_id'])
      .where('performance_id', '=', show.performanceId)
      .where('status', '=', 'held')
      .execute();
    assert.deepEqual(rows.map((r) => r.seat_id).sort(), [...held].sort(), 'the rows say what the answers said');
    assert.ok(held.length >= 2, 'someone got a pair');
  });
});
