import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { admin, testApp, testPayments, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { cardToken, createShow, hold, order, type Show } from '../../tests/helpers/fixtures.js';
import { signedInStaff } from '../../tests/helpers/staff.js';
import type { App } from '../app.js';
import { csvCell, csvLine } from './orders-export.csv.js';

/** Splits RFC 4180 text into rows of fields (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted && ch === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (quoted) field += ch;
    else if (ch === ',') endField();
    else if (ch === '\r' && text[i + 1] === '\n') {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else field += ch;
  }
  if (field || row.length) {
    endField();
    rows.push(row);
  }
  return rows;
}

test('csv: formula-looking text is defused, RFC 4180 quoting, numbers and nulls as they are', () => {
  assert.equal(csvCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
  for (const lead of ['+', '-', '@', '\t', '\r']) assert.equal(csvCell(`${lead}1`).replace(/^"/, '').slice(0, 2), `'${lead}`, JSON.stringify(lead));
  assert.equal(csvCell('Ana, "la" Rivera'), '"Ana, ""la"" Rivera"');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
  assert.equal(csvCell('Zoë Ødegård'), 'Zoë Ødegård');
  assert.equal(csvCell(-500), '-500', 'a number the exporter writes keeps its sign');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(new Date('2030-01-02T03:04:05.000Z')), '2030-01-02T03:04:05.000Z');
  assert.equal(csvLine(['a', 1, null]), 'a,1,\r\n');
  assert.deepEqual(parseCsv(csvLine(['x,y', '"q"', '=1+1', 'a\r\nb'])), [['x,y', '"q"', "'=1+1", 'a\r\nb']]);
});

describe('orders list, reports and exports', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  let payments: App;
  before(async () => {
    t = await testApp();
    payments = await testPayments(t.ctx);
  });
  after(async () => {
    await payments?.close();
    await t?.close();
  });

  async function buy(show: Show, body: object, buyer?: { name: string; email: string }) {
    const h = await hold(t.app, show.performanceId, body);
    assert.equal(h.statusCode, 201, h.body);
    const o = (await order(t.app, h.json().holdId)).json();
    if (buyer) await t.ctx.db.updateTable('orders').set({ buyer_name: buyer.name, buyer_email: buyer.email }).where('id', '=', o.orderId).execute();
    const paid = await t.app.inject({
      method: 'POST',
      url: `/api/orders/${o.orderId}/payment`,
      payload: { token: await cardToken(payments, o.payment.sessionId) },
    });
    assert.equal(paid.statusCode, 200, paid.body);
    return o.orderId as string;
  }
  const get = (url: string, headers: Record<string, string> = admin) => t.app.inject({ url, headers });

  test('reports: tickets and revenue per price category and per channel; comps apart at no revenue', async () => {
    const show = await createShow(t.app);
    await buy(show, { categoryId: show.categories.Front, quantity: 2 });
    const box = await buy(show, { gaAreaId: show.gaAreaId, quantity: 3 });
    const comp = await buy(show, { categoryId: show.categories.Front, quantity: 1 });
    // Box-office and comp orders are made by their own routes; here their channel is set directly.
    await t.ctx.db.updateTable('orders').set({ channel: 'box_office', payment_method: 'cash' }).where('id', '=', box).execute();
    await t.ctx.db.updateTable('orders').set({ channel: 'comp', payment_method: 'none', total: 0, comp_reason: 'press' }).where('id', '=', comp).execute();
    // An unpaid order counts nowhere.
    await order(t.app, (await hold(t.app, show.performanceId, { categoryId: show.categories.Front, quantity: 4 })).json().holdId);

    const res = await get(`/api/admin/performances/${show.performanceId}/sales/breakdown`);
    assert.equal(res.statusCode, 200, res.body);
    const report = res.json();
    assert.equal(report.currency, 'EUR');
    assert.deepEqual(report.totals, { orders: 2, tickets: 5, revenue: 2 * 5000 + 3 * 3000, compOrders: 1, comps: 1 });
    assert.deepEqual(
      report.byCategory.map((c: { name: string; tickets: number; revenue: number; comps: number }) => [c.name, c.tickets, c.revenue, c.comps]),
      [
        ['Front', 2, 10000, 1],
        ['Floor', 3, 9000, 0],
      ],
    );
    assert.deepEqual(
      report.byChannel.map((c: { channel: string; paymentMethod: string; orders: number; tickets: number; revenue: number }) => [
        c.channel,
        c.paymentMethod,
        c.orders,
        c.tickets,
        c.revenue,
      ]),
      [
        ['box_office', 'cash', 1, 3, 9000],
        ['comp', 'none', 1, 1, 0],
        ['online', 'card', 1, 2, 10000],
      ],
    );

    // A refunded order leaves the report.
    const refund = await t.app.inject({ method: 'POST', url: `/api/admin/orders/${box}/refund`, headers: admin });
    assert.equal(refund.statusCode, 200, refund.body);
    const event = (await get(`/api/admin/events/${show.eventId}/sales/breakdown`)).json();
    assert.deepEqual(event.totals, { orders: 1, tickets: 2, revenue: 10000, compOrders: 1, comps: 1 });
    assert.equal(event.performances.length, 1);
    assert.deepEqual([event.performances[0].tickets, event.performances[0].revenue, event.performances[0].comps], [2, 10000, 1]);
    assert.equal((await get(`/api/admin/performances/00000000-0000-4000-8000-000000000000/sales/breakdown`)).statusCode, 404);
  });

  test('orders list: filters by performance, status, channel and created or paid dates; keyset pages cover every order once', async () => {
    const show = await createShow(t.app);
    const other = await createShow(t.app);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await buy(show, { gaAreaId: show.gaAreaId, quantity: 1 }));
    await buy(other, { gaAreaId: other.gaAreaId, quantity: 1 });
    const pending = (await order(t.app, (await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 })).json().holdId)).json().orderId;
    await t.ctx.db.updateTable('orders').set({ channel: 'box_office', payment_method: 'card_present' }).where('id', '=', ids[0]!).execute();
    // Spread the paid times over days to filter on them.
    for (const [i, id] of ids.entries()) {
      await t.ctx.db
        .updateTable('orders')
        .set({ paid_at: new Date(Date.UTC(2030, 0, 1 + i, 12)) })
        .where('id', '=', id)
        .execute();
    }
    const list = async (query: string) => {
      const res = await get(`/api/admin/orders?performanceId=${show.performanceId}&${query}`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as { orders: { id: string; channel: string }[]; total: number; nextCursor: string | null };
    };
    assert.equal((await list('')).total, 6);
    assert.deepEqual(
      (await list('status=pending_payment')).orders.map((o) => o.id),
      [pending],
    );
    assert.deepEqual(
      (await list('channel=box_office')).orders.map((o) => [o.id, o.channel]),
      [[ids[0], 'box_office']],
    );
    const paidWindow = await list('dateField=paid&from=2030-01-02T00:00:00Z&to=2030-01-04T00:00:00Z');
    assert.deepEqual(new Set(paidWindow.orders.map((o) => o.id)), new Set([ids[1], ids[2]]));
    assert.equal((await list(`from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).total, 0, 'created in the future: none');

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`limit=2${cursor ? `&before=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...page.orders.map((o) => o.id));
      cursor = page.nextCursor;
    } while (cursor);
    assert.equal(seen.length, 6);
    assert.equal(new Set(seen).size, 6);
    assert.deepEqual(new Set(seen), new Set([...ids, pending]));

    const bad = await get(`/api/admin/orders?status=lost`);
    assert.equal(bad.statusCode, 400);
    const badCursor = await get(`/api/admin/orders?before=nonsense`);
    assert.equal(badCursor.statusCode, 400);
    assert.equal(badCursor.json().error.code, 'invalid_cursor');
  });

  test('exports: orders and attendees as CSV with BOM, quoting, formula defusing, the total in a header; audited', async () => {
    const show = await createShow(t.app);
    const evil = await buy(show, { categoryId: show.categories.Front, quantity: 2 }, { name: '=HYPERLINK("http://evil","click")', email: 'evil@example.com' });
    await buy(show, { gaAreaId: show.gaAreaId, quantity: 1 }, { name: 'Rivera, Ana "Anita"', email: 'ana@example.com' });
    await t.ctx.db
      .updateTable('tickets')
      .set({ checked_in_at: new Date('2030-01-01T20:00:00Z') })
      .where('order_id', '=', evil)
      .execute();

    const res = await get(`/api/admin/orders.csv?performanceId=${show.performanceId}`);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="orders-performance-[0-9a-f]{8}\.csv"$/);
    assert.equal(res.headers['x-total-rows'], '2');
    assert.ok(res.body.startsWith('\uFEFForder_id,status,channel'), 'UTF-8 with a byte order mark');
    const rows = parseCsv(res.body.slice(1));
    assert.equal(rows.length, 3);
    const [header, first, second] = rows as [string[], string[], string[]];
    const col = (row: string[], name: string) => row[header.indexOf(name)];
    assert.equal(col(first, 'buyer_name'), `'=HYPERLINK("http://evil","click")`);
    assert.equal(col(first, 'tickets'), '2');
    assert.equal(col(first, 'total'), '10000');
    assert.equal(col(second, 'buyer_name'), 'Rivera, Ana "Anita"');
    assert.equal(col(second, 'status'), 'paid');

    const attendees = await get(`/api/admin/performances/${show.performanceId}/attendees.csv`);
    assert.equal(attendees.statusCode, 200, attendees.body);
    assert.equal(attendees.headers['x-total-rows'], '3');
    const people = parseCsv(attendees.body.slice(1));
    assert.deepEqual(people[0], [
      'ticket_id',
      'order_id',
      'name',
      'email',
      'section',
      'row',
      'seat',
      'area',
      'category',
      'channel',
      'ticket_status',
      'checked_in_at',
    ]);
    const front = people.filter((r) => r[8] === 'Front');
    assert.equal(front.length, 2);
    assert.deepEqual(
      front.map((r) => [r[2], r[4], r[7], r[10], r[11]]),
      [
        [`'=HYPERLINK("http://evil","click")`, 'A', '', 'valid', '2030-01-01T20:00:00.000Z'],
        [`'=HYPERLINK("http://evil","click")`, 'A', '', 'valid', '2030-01-01T20:00:00.000Z'],
      ],
    );
    const floor = people.find((r) => r[8] === 'Floor')!;
    assert.deepEqual([floor[2], floor[4], floor[7], floor[11]], ['Rivera, Ana "Anita"', '', 'Floor', '']);
    assert.ok(!attendees.body.includes('T1.'), 'no signed ticket code in the file');

    const audits = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'actor', 'data'])
      .where('subject_id', '=', show.performanceId)
      .where('action', 'like', 'sales.%.exported')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audits.map((a) => [a.action, (a.data as { rows: number }).rows]),
      [
        ['sales.orders.exported', 2],
        ['sales.attendees.exported', 3],
      ],
    );
  });

  test('exports: an event manager exports only their own performances; door staff not at all', async () => {
    const mine = await createShow(t.app);
    const theirs = await createShow(t.app);
    const manager = await signedInStaff(t.app, 'event_manager', { eventIds: [mine.eventId] });
    assert.equal((await get(`/api/admin/orders.csv?performanceId=${mine.performanceId}`, manager.headers)).statusCode, 200);
    assert.equal((await get(`/api/admin/orders.csv?performanceId=${theirs.performanceId}`, manager.headers)).statusCode, 403);
    assert.equal((await get('/api/admin/orders.csv', manager.headers)).statusCode, 403, 'a limited role names one performance');
    assert.equal((await get(`/api/admin/performances/${theirs.performanceId}/attendees.csv`, manager.headers)).statusCode, 403);
    const door = await signedInStaff(t.app, 'door');
    assert.equal((await get(`/api/admin/performances/${mine.performanceId}/attendees.csv`, door.headers)).statusCode, 403);
    assert.equal((await get(`/api/admin/performances/${mine.performanceId}/attendees.csv`, {})).statusCode, 401);
  });

  test('exports: 12,000 orders stream whole and in order across batches', async () => {
    const show = await createShow(t.app, { rows: 1, perRow: 1, gaCapacity: 10 });
    // Orders need a hold each (unique): made in SQL, a microsecond apart, so a batch edge falls
    // inside one millisecond (a cursor cut to milliseconds would skip or repeat rows there).
    await sql`
        WITH h AS (
          INSERT INTO holds (performance_id, status, expires_at)
          SELECT ${show.performanceId}::uuid, 'expired', now() FROM generate_series(1, 12000) RETURNING id
        )
        INSERT INTO orders (hold_id, performance_id, idempotency_key, status, buyer_name, buyer_email, locale, total, currency, payment_provider, created_at)
        SELECT id, ${show.performanceId}::uuid, 'bulk-' || id, 'expired', 'Buyer', 'b@example.com', 'en', 100, 'EUR', 'test',
               timestamptz '2030-01-01' + (row_number() OVER ()) * interval '1 microsecond'
        FROM h`.execute(t.ctx.db);
    const res = await get(`/api/admin/orders.csv?performanceId=${show.performanceId}&status=expired`);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['x-total-rows'], '12000');
    const lines = res.body.split('\r\n').filter(Boolean);
    assert.equal(lines.length, 12001);
    const ids = lines.slice(1).map((l) => l.slice(0, 36));
    assert.equal(new Set(ids).size, 12000, 'no order twice, none skipped at a batch edge');
  });
});
