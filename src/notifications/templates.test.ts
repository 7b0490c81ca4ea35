import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, formatMoney, renderOrderConfirmation, resolveLocale, supportedLocales, type OrderConfirmation } from './templates.js';

const order = (overrides: Partial<OrderConfirmation> = {}): OrderConfirmation => ({
  orderId: '6f1c2a4e-8d8e-4b7a-9a51-0c1d2e3f4a5b',
  buyerName: 'Ana Pérez',
  buyerEmail: 'ana@example.com',
  locale: 'es',
  eventTitle: 'Bad Bunny',
  venueName: 'Coliseo de Puerto Rico',
  startsAt: new Date('2026-03-14T20:00:00Z'),
  tickets: [
    { id: 't1', label: 'Sección 101, fila C, asiento 12', categoryName: 'Platea', price: 8500, currency: 'EUR' },
    { id: 't2', label: 'Sección 101, fila C, asiento 13', categoryName: 'Platea', price: 8500, currency: 'EUR' },
  ],
  total: 17000,
  currency: 'EUR',
  orderUrl: 'https://tickets.example.com/orders/6f1c2a4e?access=secret&lang=es',
  ...overrides,
});

test('templates: each of the 5 locales renders its own subject in its language', () => {
  const expected: Record<string, RegExp> = {
    es: /^Pedido confirmado: Bad Bunny$/,
    en: /^Order confirmed: Bad Bunny$/,
    fr: /^Commande confirmée\u00a0: Bad Bunny$/,
    nl: /^Bestelling bevestigd: Bad Bunny$/,
    nb: /^Bestillingen er bekreftet: Bad Bunny$/,
  };
  const subjects = supportedLocales.map((locale) => renderOrderConfirmation(order({ locale })).subject);
  assert.equal(new Set(subjects).size, 5);
  supportedLocales.forEach((locale, i) => assert.match(subjects[i]!, expected[locale]!));
});

test('templates: the body is in the buyer language with the date, link, QR and privacy lines', () => {
  const fr = renderOrderConfirmation(order({ locale: 'fr' }));
  assert.match(fr.text, /^Bonjour Ana Pérez,/);
  assert.match(fr.text, /samedi 14 mars 2026/);
  assert.match(fr.text, /Voir vos billets\u00a0: https:\/\/tickets\.example\.com\/orders\//);
  assert.match(fr.text, /codes QR/);
  assert.match(fr.text, /ne le partagez avec personne/);
  const nb = renderOrderConfirmation(order({ locale: 'nb' }));
  assert.match(nb.text, /Hei Ana Pérez/);
  assert.match(nb.text, /lørdag 14\. mars 2026/);
  const nl = renderOrderConfirmation(order({ locale: 'nl' }));
  assert.match(nl.text, /zaterdag 14 maart 2026/);
  assert.match(nl.text, /Totaal: €\s170,00/);
});

test('templates: the html escapes every interpolated value', () => {
  const { html, text } = renderOrderConfirmation(order({ buyerName: '<script>alert("x")</script>', eventTitle: 'Tom & Jerry <live>' }));
  assert.ok(!html.includes('<script>'));
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
  assert.ok(html.includes('Tom &amp; Jerry &lt;live&gt;'));
  assert.ok(html.includes('href="https://tickets.example.com/orders/6f1c2a4e?access=secret&amp;lang=es"'));
  // The text part is not HTML and shows the name as given.
  assert.ok(text.includes('<script>alert("x")</script>'));
  assert.equal(escapeHtml(`'"&<>`), '&#39;&quot;&amp;&lt;&gt;');
});

test('templates: prices format from minor units in the buyer locale', () => {
  const { text, html } = renderOrderConfirmation(order());
  assert.match(text, /85,00\s€/);
  assert.match(text, /Total: 170,00\s€/);
  assert.match(html, /85,00\s€/);
  assert.equal(formatMoney(8500, 'EUR', 'en'), '€85.00');
  assert.equal(formatMoney(1500, 'JPY', 'en'), '¥1,500');
  assert.match(formatMoney(19_900, 'NOK', 'nb'), /^199,00\skr$/);
});

test('templates: locale tags fall back sensibly', () => {
  assert.equal(resolveLocale('es-PR'), 'es');
  assert.equal(resolveLocale('ES_mx'), 'es');
  assert.equal(resolveLocale('no'), 'nb');
  assert.equal(resolveLocale('nn-NO'), 'nb');
  assert.equal(resolveLocale('fr-CA'), 'fr');
  assert.equal(resolveLocale('xx'), 'en');
  assert.equal(resolveLocale(''), 'en');
  assert.match(renderOrderConfirmation(order({ locale: 'es-PR' })).subject, /^Pedido confirmado/);
  assert.match(renderOrderConfirmation(order({ locale: 'xx' })).subject, /^Order confirmed/);
});

test('templates: times show in the venue time zone with the zone named, or say UTC without one', () => {
  const madrid = renderOrderConfirmation(order({ locale: 'en', timeZone: 'Europe/Madrid' }));
  assert.match(madrid.text, /When: Saturday, March 14, 2026 at 9:00\sPM \(Madrid time\)\n/);
  const utc = renderOrderConfirmation(order({ locale: 'en' }));
  assert.match(utc.text, /When: Saturday, March 14, 2026 at 8:00\sPM \(UTC\)\n/);
  const mistyped = renderOrderConfirmation(order({ locale: 'en', timeZone: 'Europe/Madird' }));
  assert.match(mistyped.text, /8:00\sPM \(UTC\)/);
});

test('templates: a show at 20:00 in Puerto Rico reads 20:00 Puerto Rico time in every language, never the UTC hour', () => {
  // 20:00 in San Juan (UTC-4, no summer time) is midnight UTC.
  const startsAt = new Date('2026-12-13T00:00:00Z');
  const expected: Record<string, RegExp> = {
    es: /sábado, 12 de diciembre de 2026, 20:00 \(hora de Puerto Rico\)/,
    en: /Saturday, December 12, 2026 at 8:00\sPM \(Puerto Rico time\)/,
    fr: /samedi 12 décembre 2026 à 20:00 \(heure de Puerto Rico\)/,
    nl: /zaterdag 12 december 2026 om 20:00 \(lokale tijd in Puerto Rico\)/,
    nb: /lørdag 12\. desember 2026( kl\.)? 20:00 \(lokal tid i Puerto Rico\)/,
  };
  for (const locale of supportedLocales) {
    const email = renderOrderConfirmation(order({ locale, startsAt, timeZone: 'America/Puerto_Rico' }));
    assert.match(email.text, expected[locale]!, locale);
    assert.match(email.html, expected[locale]!, locale);
    assert.ok(!/\b(00:00|12:00\sAM|13 de diciembre|December 13)\b/.test(email.text), `${locale}: no UTC date or hour`);
  }
});

test('templates: a line break in an event title cannot reach the subject header', () => {
  const { subject } = renderOrderConfirmation(order({ locale: 'en', eventTitle: 'Show\r\nBcc: victim@example.com' }));
  assert.ok(!/[\r\n]/.test(subject));
});

test('templates: a complimentary order says it was given, in every language, with no price of 0 and no thanks for a purchase', () => {
  const zero = order().tickets.map((x) => ({ ...x, price: 0 }));
  for (const locale of supportedLocales) {
    const thanks = renderOrderConfirmation(order({ locale })).text.split('\n')[2]!;
    const gift = renderOrderConfirmation(order({ locale, tickets: zero, total: 0, complimentary: true }));
    assert.ok(!gift.text.includes(thanks), `${locale}: the purchase's thanks (${thanks}) is not in a comp`);
    assert.doesNotMatch(gift.text, /\b0[.,]00\b/, `${locale}: no price of 0`);
  }
  assert.match(renderOrderConfirmation(order({ locale: 'en', complimentary: true })).text, /complimentary tickets[\s\S]*Total: Complimentary/);
  assert.match(renderOrderConfirmation(order({ locale: 'es', complimentary: true })).html, /boletos de cortesía[\s\S]*Cortesía/);
});
