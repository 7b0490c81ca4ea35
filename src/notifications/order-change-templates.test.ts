import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderOrderChange, type OrderChange } from './order-change-templates.js';
import { orderChangeStrings } from './order-change.strings.js';
import { strings, supportedLocales } from './templates.strings.js';

const base = {
  orderId: '6f1c2a4e-8d8e-4b7a-9a51-0c1d2e3f4a5b',
  buyerName: 'Ana Pérez',
  buyerEmail: 'ana@example.com',
  locale: 'es',
  eventTitle: 'Bad Bunny',
  venueName: 'Coliseo de Puerto Rico',
  startsAt: new Date('2026-03-15T00:00:00Z'),
  timeZone: 'America/Puerto_Rico',
  tickets: [
    { label: 'Sección 101, fila C, asiento 12', categoryName: 'Platea', price: 8500, currency: 'EUR' },
    { label: 'Pista', categoryName: 'General', price: 4000, currency: 'EUR' },
  ],
  remaining: 0,
  orderUrl: 'https://tickets.example.com/orders/6f1c2a4e#access=secret',
};
const refund = (overrides: Partial<OrderChange & { kind: 'refund' }> = {}): OrderChange => ({
  ...base,
  kind: 'refund',
  amount: 12500,
  currency: 'EUR',
  payout: 'card',
  ...overrides,
});
const cancellation = (overrides: Partial<OrderChange & { kind: 'cancellation' }> = {}): OrderChange => ({
  ...base,
  kind: 'cancellation',
  wasPaid: true,
  ...overrides,
});

test('refund email: each of the 5 languages has its own subject, amount in its format, and when the money arrives', () => {
  const expected = {
    en: { subject: 'Refund for your order: Bad Bunny', amount: /Amount refunded: €125\.00/, days: /within 5 to 10 business days/ },
    es: { subject: 'Reembolso de tu pedido: Bad Bunny', amount: /Importe reembolsado: 125,00\s€/, days: /de 5 a 10 días hábiles/ },
    fr: { subject: 'Remboursement de votre commande\u00a0: Bad Bunny', amount: /Montant remboursé\u00a0: 125,00\s€/, days: /sous 5 à 10 jours ouvrés/ },
    nl: { subject: 'Terugbetaling van je bestelling: Bad Bunny', amount: /Terugbetaald bedrag: €\s125,00/, days: /binnen 5 tot 10 werkdagen/ },
    nb: { subject: 'Refusjon av bestillingen din: Bad Bunny', amount: /Refundert beløp: 125,00\s€/, days: /innen 5 til 10 virkedager/ },
  } as const;
  for (const locale of supportedLocales) {
    const email = renderOrderChange(refund({ locale }));
    assert.equal(email.subject, expected[locale].subject, locale);
    assert.match(email.text, expected[locale].amount, locale);
    assert.match(email.text, expected[locale].days, locale);
    assert.ok(email.text.startsWith(strings[locale].greeting('Ana Pérez')), locale);
    assert.ok(email.text.includes(orderChangeStrings[locale].refundIntro), locale);
    assert.ok(email.text.includes(orderChangeStrings[locale].refundedTickets), locale);
    assert.match(email.html, new RegExp(`<html lang="${locale}">`));
    // No English sentence is left in another language's email.
    if (locale !== 'en') {
      const english = Object.values(orderChangeStrings.en).filter((value): value is string => typeof value === 'string');
      for (const sentence of english) assert.ok(!email.text.includes(sentence), `${locale} still says "${sentence}"`);
      for (const label of [strings.en.when, strings.en.where, strings.en.order]) assert.ok(!email.text.includes(`${label}:`), `${locale}: ${label}`);
    }
  }
});

test('refund email: lists the refunded tickets with prices and shows the start in the venue time zone', () => {
  const email = renderOrderChange(refund({ locale: 'en' }));
  assert.match(email.text, /Refunded tickets:\n- Sección 101, fila C, asiento 12 \(Platea\): €85\.00\n- Pista \(General\): €40\.00\n/);
  // 00:00 UTC on the 15th is 8 PM on the 14th in Puerto Rico.
  assert.match(email.text, /When: Saturday, March 14, 2026 at 8:00\sPM \(Puerto Rico time\)\n/);
  assert.match(email.text, /View your order: https:\/\/tickets\.example\.com\/orders\/6f1c2a4e#access=secret/);
  assert.ok(!email.text.includes('remaining'), 'a whole refund leaves nothing to view');
});

test('refund email: a partial refund says so and points at the tickets still valid', () => {
  const email = renderOrderChange(refund({ locale: 'es', remaining: 2, tickets: base.tickets.slice(1), amount: 4000 }));
  assert.equal(email.subject, 'Reembolso parcial de tu pedido: Bad Bunny');
  assert.ok(email.text.includes(orderChangeStrings.es.partialRefundIntro));
  assert.match(email.text, /Importe reembolsado: 40,00\s€/);
  assert.match(email.text, /Ver tus entradas restantes: https:/);
  assert.ok(email.text.includes(strings.es.keepPrivate), 'the link still opens valid tickets: keep it private');
  assert.ok(!email.text.includes('asiento 12'), 'only the refunded tickets are listed');
});

test('refund email: money paid at the counter comes back there; free tickets have nothing to pay back', () => {
  const counter = renderOrderChange(refund({ locale: 'nl', payout: 'counter' }));
  assert.ok(counter.text.includes(orderChangeStrings.nl.payoutCounter));
  assert.ok(!counter.text.includes(orderChangeStrings.nl.payoutCard));
  const free = renderOrderChange(refund({ locale: 'nb', payout: 'card', amount: 0 }));
  assert.ok(free.text.includes(orderChangeStrings.nb.payoutNone));
  assert.ok(!free.text.includes(orderChangeStrings.nb.amountRefunded));
});

test('cancellation email: a paid order is told its tickets stopped and no money came back; an unpaid one that nothing was charged', () => {
  const expected = {
    en: 'Your order has been cancelled: Bad Bunny',
    es: 'Tu pedido ha sido cancelado: Bad Bunny',
    fr: 'Votre commande a été annulée\u00a0: Bad Bunny',
    nl: 'Je bestelling is geannuleerd: Bad Bunny',
    nb: 'Bestillingen din er kansellert: Bad Bunny',
  } as const;
  for (const locale of supportedLocales) {
    const paid = renderOrderChange(cancellation({ locale }));
    assert.equal(paid.subject, expected[locale]);
    assert.ok(paid.text.includes(orderChangeStrings[locale].cancelIntroPaid), locale);
    assert.ok(paid.text.includes(orderChangeStrings[locale].cancelNoMoney), locale);
    assert.ok(paid.text.includes(orderChangeStrings[locale].cancelledTickets), locale);
    const unpaid = renderOrderChange(cancellation({ locale, wasPaid: false, tickets: [] }));
    assert.ok(unpaid.text.includes(orderChangeStrings[locale].cancelIntroUnpaid), locale);
    assert.ok(!unpaid.text.includes(orderChangeStrings[locale].cancelNoMoney), locale);
    assert.ok(!unpaid.text.includes(orderChangeStrings[locale].cancelledTickets), locale);
  }
});

test('order change emails: every interpolated value is escaped and the subject stays on one line', () => {
  const email = renderOrderChange(refund({ buyerName: '<img src=x onerror=alert(1)>', eventTitle: 'Tom & Jerry\r\nBcc: victim@example.com' }));
  assert.ok(!email.html.includes('<img'));
  assert.ok(email.html.includes('Tom &amp; Jerry'));
  assert.ok(!/[\r\n]/.test(email.subject));
});
