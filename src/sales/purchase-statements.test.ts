import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { testApp, testPayments, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { cardToken, createShow, hold, order } from '../../tests/helpers/fixtures.js';
import type { App } from '../app.js';

/**
 * What one purchase (hold -> order -> card token -> payment) sends to PostgreSQL, counted at the
 * driver: every round trip, BEGIN and COMMIT included, and the transactions they make (a
 * statement outside BEGIN is a transaction of its own). Issue 15 asks for at most 12 statements
 * in at most 3 writing transactions: the commit rate, not the round trips, should be the limit.
 */
interface Count {
  statements: number;
  writing: number;
  readOnly: number;
  texts: string[];
}

const counting: { on: boolean; count: Count } = { on: false, count: { statements: 0, writing: 0, readOnly: 0, texts: [] } };
const open = new WeakMap<object, { writes: boolean }>();
const WRITES = /\b(insert|update|delete)\b/i;

// Patched before the app connects: the pool's clients bind `query` when they connect.
const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as { query: unknown }).query = function (this: object, ...args: unknown[]) {
  if (counting.on) {
    const first = args[0];
    const text = (typeof first === 'string' ? first : ((first as { text?: string })?.text ?? '')).trim();
    const c = counting.count;
    c.statements += 1;
    c.texts.push(text.replace(/\s+/g, ' ').slice(0, 80));
    const tx = open.get(this);
    if (/^begin\b/i.test(text)) open.set(this, { writes: false });
    else if (/^(commit|rollback)\b/i.test(text)) {
      if (tx?.writes) c.writing += 1;
      else c.readOnly += 1;
      open.delete(this);
    } else if (tx) tx.writes ||= WRITES.test(text);
    else if (WRITES.test(text)) c.writing += 1;
    else c.readOnly += 1;
  }
  return original.apply(this, args);
};

describe('purchase statements', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  let payments: App;
  before(async () => {
    t = await testApp();
    payments = await testPayments(t.ctx);
  });
  after(async () => {
    await payments?.close();
    await t?.close();
    (pg.Client.prototype as { query: unknown }).query = original;
  });

  async function purchase(performanceId: string, body: object, key: string): Promise<Count> {
    counting.count = { statements: 0, writing: 0, readOnly: 0, texts: [] };
    counting.on = true;
    try {
      const h = await hold(t.app, performanceId, body);
      assert.equal(h.statusCode, 201, h.body);
      const o = await order(t.app, h.json(), key);
      assert.equal(o.statusCode, 201, o.body);
      const token = await cardToken(payments, o.json().payment.sessionId);
      const paid = await t.app.inject({ method: 'POST', url: `/api/orders/${o.json().orderId}/payment`, payload: { token } });
      assert.equal(paid.statusCode, 200, paid.body);
      assert.equal(paid.json().tickets.length, 2);
    } finally {
      counting.on = false;
    }
    return counting.count;
  }

  test('purchase: the best seats, chosen seats or GA places, ordered and paid, in at most 12 statements and 3 writing transactions', async () => {
    const show = await createShow(t.app, { rows: 4, perRow: 10, gaCapacity: 50 });
    // The first purchase reads the performance's description, which is then cached for seconds.
    await purchase(show.performanceId, { categoryId: show.categories.Front, quantity: 2 }, 'warm');
    for (const [what, body] of [
      ['best seats', { categoryId: show.categories.Front, quantity: 2 }],
      ['chosen seats', { seatIds: show.seats.slice(-2).map((s: { id: string }) => s.id) }],
      ['GA places', { gaAreaId: show.gaAreaId, quantity: 2 }],
    ] as const) {
      const count = await purchase(show.performanceId, body, `key-${what}`);
      const said = `${what}: ${JSON.stringify(count, null, 1)}`;
      // hold 1 (one statement), order 2 (a read, then one statement), payment 4 (BEGIN, lock, sale, COMMIT)
      assert.equal(count.statements, 7, said);
      assert.equal(count.writing, 3, said);
      assert.equal(count.readOnly, 1, said);
      console.log(`# metric purchase of ${what}: ${count.statements} statements, ${count.writing} writing transactions, ${count.readOnly} read-only`);
    }
  });
});
