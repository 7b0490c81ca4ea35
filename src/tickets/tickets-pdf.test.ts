import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encode } from 'uqr';
import { admin, testApp, testPayments, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { cardToken, createShow, hold, order } from '../../tests/helpers/fixtures.js';
import type { App } from '../app.js';
import { inflateSync } from 'node:zlib';
import { formatZoned, supportedLocales, type SupportedLocale } from '../notifications/templates.js';
import { qrSquares, renderTicketsPdf, type TicketsPdfInput } from './tickets-pdf.js';
import { pdfStrings } from './tickets-pdf.strings.js';

const pageCount = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
const code = 'T1.k1.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtc2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtc2lnbg';

describe('tickets pdf: rendering', () => {
  test('tickets pdf: the QR drawn is encode(code) at error correction M, one square per dark module, filling its box', () => {
    const qr = encode(code, { ecc: 'M', border: 0 });
    const { modules, squares } = qrSquares(code, 10, 20, 170);
    assert.equal(modules, qr.size);
    assert.equal(squares.length, qr.data.flat().filter(Boolean).length);
    for (const s of squares) {
      assert.ok(Math.abs(s.size * modules - 170) < 1e-9);
      assert.ok(s.x >= 10 && s.x + s.size <= 180 + 1e-9 && s.y >= 20 && s.y + s.size <= 190 + 1e-9);
      const row = Math.round((s.y - 20) / s.size);
      const col = Math.round((s.x - 10) / s.size);
      assert.equal(qr.data[row]![col], true, `module ${row},${col} is dark`);
    }
  });

  test('tickets pdf: one page per ticket, even when every text is as long as the schemas allow', async () => {
    const long = 'Ñandú Überlang '.repeat(14);
    const input: TicketsPdfInput = {
      orderId: '0b0e6c2e-1111-4222-8333-444455556666',
      buyerName: long,
      locale: 'fr-CH',
      eventTitle: long,
      venueName: long,
      startsAt: new Date(),
      timeZone: 'America/Argentina/Buenos_Aires',
      tickets: Array.from({ length: 5 }, (_, i) => ({
        code,
        label: long.slice(0, 60),
        ga: i % 2 === 0,
        categoryName: long.slice(0, 60),
        price: 100_000_000,
        currency: 'EUR',
      })),
    };
    const pdf = await renderTicketsPdf(input);
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    assert.equal(pageCount(pdf), 5);
  });
});

/** WinAnsi bytes 0x80-0x9f that PDFKit's standard fonts use for these texts; the rest is Latin-1. */
const WIN_ANSI: Record<number, string> = { 128: '€', 133: '…', 145: '‘', 146: '’', 147: '“', 148: '”', 149: '•', 150: '–', 151: '—' };

/** The text a PDFKit document shows: each content stream inflated, each Tj/TJ string decoded, runs joined by spaces. */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const runs: string[] = [];
  for (const stream of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(stream[1]!, 'latin1')).toString('latin1');
    } catch {
      continue; // not a content stream (or not compressed): no text in it
    }
    for (const op of content.matchAll(/\[([^\]]*)\]\s*TJ|<([0-9a-f]*)>\s*Tj/gi)) {
      const hexes = op[1] !== undefined ? [...op[1].matchAll(/<([0-9a-f]*)>/gi)].map((h) => h[1]!) : [op[2]!];
      runs.push(hexes.map((hex) => [...Buffer.from(hex, 'hex')].map((b) => WIN_ANSI[b] ?? String.fromCharCode(b)).join('')).join(''));
    }
  }
  return runs.join(' ').replace(/[\s\u00a0]+/g, ' ');
}

describe('tickets pdf: in the buyer language and the venue time', () => {
  const input = (locale: string): TicketsPdfInput => ({
    orderId: '0b0e6c2e-1111-4222-8333-444455556666',
    buyerName: 'Ana Rivera',
    locale,
    eventTitle: 'Luna Brava',
    venueName: 'Sala Mar Adentro',
    // 20:00 in San Juan is midnight UTC, already the next day.
    startsAt: new Date('2026-12-13T00:00:00Z'),
    timeZone: 'America/Puerto_Rico',
    tickets: [
      { code, label: 'Platea 3-14', ga: false, categoryName: 'Platea', price: 7500, currency: 'USD' },
      { code, label: 'Pista', ga: true, categoryName: 'Pista', price: 4500, currency: 'USD' },
    ],
  });
  /** What the English ticket prints from its templates, with this order's values. */
  const printed = (locale: SupportedLocale) => {
    const t = pdfStrings[locale];
    const i = input(locale);
    return [t.seat('Platea 3-14'), t.generalAdmission('Pista'), t.order(i.orderId), t.ticketOf('Ana Rivera', 1, 2), t.ticketOf('Ana Rivera', 2, 2), t.oneEntry];
  };
  const norm = (s: string) => s.replace(/[\s\u00a0]+/g, ' ');

  test('tickets pdf: the English ticket prints its template strings (the extraction the other languages are checked with works)', async () => {
    const text = pdfText(await renderTicketsPdf(input('en')));
    for (const s of printed('en')) assert.ok(text.includes(norm(s)), `"${s}" in: ${text}`);
    assert.match(text, /Saturday, December 12, 2026 at 8:00 PM \(Puerto Rico time\)/);
  });

  for (const locale of supportedLocales.filter((l) => l !== 'en')) {
    test(`tickets pdf: a ${locale} ticket has no English template string left, and shows 20:00 Puerto Rico time`, async () => {
      const text = pdfText(await renderTicketsPdf(input(locale)));
      const english = printed('en');
      const own = printed(locale);
      own.forEach((s) => assert.ok(text.includes(norm(s)), `${locale}: "${s}" printed, in: ${text}`));
      english.forEach((s, i) => {
        if (s === own[i]) return; // the same in both languages
        assert.ok(!text.includes(norm(s)), `${locale}: English "${s}" left in: ${text}`);
      });
      for (const word of ['Seat', 'Order', 'ticket 1 of', 'General admission', 'One entry', 'Saturday', 'December', ' PM', 'UTC']) {
        assert.ok(!text.includes(word), `${locale}: "${word}" in: ${text}`);
      }
      assert.ok(text.includes(norm(formatZoned(new Date('2026-12-13T00:00:00Z'), 'America/Puerto_Rico', locale))), `${locale}: venue time in: ${text}`);
      assert.match(text, /\b20[:.]00\b/);
      assert.ok(!/\b(00[:.]00|13)\b/.test(text.replace(/0b0e6c2e[-0-9a-f]+/, '')), `${locale}: the UTC hour or day in: ${text}`);
    });
  }
});

describe('tickets pdf: route', { skip: !databaseAvailable && skipReason }, () => {
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

  async function paidOrder(body: (show: Awaited<ReturnType<typeof createShow>>) => object) {
    const show = await createShow(t.app, { rows: 2, perRow: 5, gaCapacity: 10 });
    const h = await hold(t.app, show.performanceId, body(show));
    assert.equal(h.statusCode, 201, h.body);
    const o = (await order(t.app, h.json().holdId)).json() as { orderId: string; accessToken: string; payment: { sessionId: string } };
    const paid = await t.app.inject({
      method: 'POST',
      url: `/api/orders/${o.orderId}/payment`,
      payload: { token: await cardToken(payments, o.payment.sessionId) },
    });
    assert.equal(paid.statusCode, 200, paid.body);
    return o;
  }
  const download = (orderId: string, token?: string) =>
    t.app.inject({ url: `/api/orders/${orderId}/tickets.pdf`, headers: token ? { authorization: `Bearer ${token}` } : {} });

  test('tickets pdf: a paid order downloads as a PDF attachment with one page per ticket', async () => {
    const seats = await paidOrder((show) => ({ categoryId: show.categories.Front, quantity: 2 }));
    const res = await download(seats.orderId, seats.accessToken);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.equal(res.headers['content-disposition'], `attachment; filename="tickets-${seats.orderId.slice(0, 8)}.pdf"`);
    assert.equal(res.rawPayload.subarray(0, 5).toString(), '%PDF-');
    assert.equal(pageCount(res.rawPayload), 2);

    const ga = await paidOrder((show) => ({ gaAreaId: show.gaAreaId, quantity: 3 }));
    assert.equal(pageCount((await download(ga.orderId, ga.accessToken)).rawPayload), 3);
  });

  test('tickets pdf: without the order access token the answer is 401, as for the order itself', async () => {
    const o = await paidOrder((show) => ({ categoryId: show.categories.Front, quantity: 1 }));
    for (const token of [undefined, 'nope', `${o.accessToken}x`]) {
      const res = await download(o.orderId, token);
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().error.code, 'unauthorized');
    }
    assert.equal((await download('00000000-0000-4000-8000-000000000000', o.accessToken)).statusCode, 401);
  });

  test('tickets pdf: void tickets are left out; an order with none is 409 no_valid_tickets', async () => {
    const o = await paidOrder((show) => ({ categoryId: show.categories.Front, quantity: 2 }));
    const first = await t.ctx.db.selectFrom('tickets').select('id').where('order_id', '=', o.orderId).orderBy('id').executeTakeFirstOrThrow();
    await t.ctx.db.updateTable('tickets').set({ status: 'void' }).where('id', '=', first.id).execute();
    assert.equal(pageCount((await download(o.orderId, o.accessToken)).rawPayload), 1);

    assert.equal((await t.app.inject({ method: 'POST', url: `/api/admin/orders/${o.orderId}/refund`, headers: admin })).statusCode, 200);
    const refunded = await download(o.orderId, o.accessToken);
    assert.equal(refunded.statusCode, 409);
    assert.equal(refunded.json().error.code, 'no_valid_tickets');

    const show = await createShow(t.app);
    const pending = (await order(t.app, (await hold(t.app, show.performanceId, { gaAreaId: show.gaAreaId, quantity: 1 })).json().holdId)).json();
    const unpaid = await download(pending.orderId, pending.accessToken);
    assert.equal(unpaid.statusCode, 409);
    assert.equal(unpaid.json().error.code, 'no_valid_tickets');
  });
});
