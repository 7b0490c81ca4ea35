import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPaymentProvider } from './test-provider.js';
import { buildTestPaymentServer } from './test-provider.server.js';

const secret = 'test-secret-that-is-long-enough-for-config-0123';
const paymentOrigin = 'http://localhost:4001';
const appOrigin = 'http://localhost:4000';
const provider = createTestPaymentProvider({ secret, paymentOrigin });
const app = await buildTestPaymentServer({ secret, paymentOrigin, appOrigin });
after(() => app.close());

const { sessionId } = await provider.createSession({ orderId: 'o-1', amount: 4500, currency: 'EUR', description: 'Two <b>tickets</b>' });
const card = { sessionId, cardNumber: '4242 4242 4242 4242', expiry: '12/40', cvc: '123' };
const postToken = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/tokens', payload });

test('test payment server: POST /tokens turns a good card into a token the app provider can confirm', async () => {
  const response = await postToken(card);
  assert.equal(response.statusCode, 200);
  const body = response.json() as { token: string; last4: string; brand: string };
  assert.deepEqual({ last4: body.last4, brand: body.brand }, { last4: '4242', brand: 'visa' });
  assert.ok(!response.body.includes('4242424242424242') && !response.body.includes('4242 4242 4242 4242'));
  const result = await provider.confirm({ sessionId, token: body.token, amount: 4500, currency: 'EUR' });
  assert.equal(result.status, 'succeeded');
});

test('test payment server: POST /tokens answers 400 naming the field at fault', async () => {
  const cases: [Record<string, unknown>, string, string][] = [
    [{ ...card, cardNumber: '4242 4242 4242 4241' }, 'invalid_card', 'cardNumber'],
    [{ ...card, expiry: '01/20' }, 'invalid_card', 'expiry'],
    [{ ...card, cvc: '1' }, 'invalid_card', 'cvc'],
    [{ ...card, sessionId: 'ps_forged.x' }, 'invalid_session', 'sessionId'],
    [{ sessionId, cardNumber: '4242424242424242', expiry: '12/40' }, 'invalid_request', 'cvc'],
    [{ ...card, name: 'extra' }, 'invalid_request', 'name'],
    [{ ...card, cvc: 123 }, 'invalid_request', 'cvc'],
  ];
  for (const [payload, code, field] of cases) {
    const response = await postToken(payload);
    assert.equal(response.statusCode, 400, JSON.stringify(payload));
    const { error } = response.json() as { error: { code: string; field: string; message: string } };
    assert.deepEqual({ code: error.code, field: error.field }, { code, field });
    assert.ok(error.message);
  }
});

test('test payment server: the card form is HTML with a strict CSP and no inline script or style', async () => {
  const response = await app.inject({ url: `/pay/${sessionId}?lang=es` });
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-type']), /^text\/html/);
  const csp = String(response.headers['content-security-policy']);
  const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic'/.exec(csp)?.[1];
  assert.ok(nonce && Buffer.from(nonce, 'base64').length >= 16, `a nonce of 128 bits or more: ${csp}`);
  for (const directive of [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "form-action 'none'",
    `frame-ancestors ${appOrigin};`,
    "base-uri 'none'",
    "object-src 'none'",
    "require-trusted-types-for 'script'",
    `report-uri ${appOrigin}/api/security/csp-reports`,
  ]) {
    assert.ok(csp.includes(directive), `${directive} in ${csp}`);
  }
  const again = await app.inject({ url: `/pay/${sessionId}?lang=es` });
  assert.notEqual(again.headers['content-security-policy'], csp, 'every response has a nonce of its own');
  assert.equal(response.headers['x-content-type-options'], 'nosniff');
  assert.equal(response.headers['referrer-policy'], 'no-referrer');
  assert.equal(response.headers['cache-control'], 'no-store');
  const html = response.body;
  for (const tag of html.match(/<script\b[^>]*>[\s\S]*?<\/script>/gi) ?? []) {
    assert.match(
      tag,
      /^<script src="\/pay\/assets\/form\.js" integrity="sha384-[A-Za-z0-9+/=]{64}"[^>]*><\/script>$/,
      'scripts are external, checked and empty',
    );
    assert.ok(tag.includes(`nonce="${nonce}"`), 'the script carries the response nonce');
  }
  assert.doesNotMatch(html, /\sstyle=|<style/i);
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
  assert.match(html, new RegExp(`<body data-app-origin="${appOrigin}"`));
  assert.match(html, /Número de tarjeta/);
  assert.match(html, /4000 0000 0000 0002/);
  assert.match(html, /Two &#60;b&#62;tickets&#60;\/b&#62;/, 'the description is escaped');
});

test('test payment server: the card form speaks each supported language and falls back to English', async () => {
  const labels = { en: 'Card number', fr: 'Numéro de carte', nl: 'Kaartnummer', nb: 'Kortnummer', xx: 'Card number' };
  for (const [lang, label] of Object.entries(labels)) {
    const html = (await app.inject({ url: `/pay/${sessionId}?lang=${lang}` })).body;
    assert.ok(html.includes(label), lang);
  }
});

test('test payment server: in Spanish the placeholders and the test cards’ help are Spanish too, none of the English left', async () => {
  const html = (await app.inject({ url: `/pay/${sessionId}?lang=es` })).body;
  assert.match(html, /<html lang="es">/);
  assert.match(html, /placeholder="MM\/AA"/);
  for (const spanish of ['Número de tarjeta', 'Caducidad (MM/AA)', 'Pagar', 'se acepta', 'se rechaza: fondos insuficientes'])
    assert.ok(html.includes(spanish), spanish);
  for (const english of ['MM/YY', 'Card number', 'succeeds', 'declined', 'insufficient', 'Test cards', '>Pay '])
    assert.ok(!html.includes(english), `no "${english}"`);
});

test('test payment server: the session carries the buyer’s language, used when the page names none', async () => {
  const session = await provider.createSession({ orderId: 'o-2', amount: 100, currency: 'EUR', description: 'x', locale: 'nb' });
  assert.match((await app.inject({ url: `/pay/${session.sessionId}` })).body, /<html lang="nb">[\s\S]*Kortnummer[\s\S]*MM\/ÅÅ/);
  assert.match((await app.inject({ url: `/pay/${session.sessionId}?lang=nl` })).body, /<html lang="nl">[\s\S]*MM\/JJ/, 'the framing page wins');
  assert.match((await app.inject({ url: `/pay/${session.sessionId}?lang=es-PR` })).body, /<html lang="es">/, 'a regional tag counts as its language');
  const plain = await provider.createSession({ orderId: 'o-3', amount: 100, currency: 'EUR', description: 'x', locale: '<script>' });
  assert.match((await app.inject({ url: `/pay/${plain.sessionId}` })).body, /<html lang="en">/, 'a malformed locale is not kept');
});

test('test payment server: a bad session gets a 400 page', async () => {
  const response = await app.inject({ url: `/pay/${sessionId.slice(0, -2)}xx` });
  assert.equal(response.statusCode, 400);
  assert.match(String(response.headers['content-type']), /^text\/html/);
  assert.match(response.body, /This payment link is not valid/);
  assert.ok(response.headers['content-security-policy']);
});

test('test payment server: the form assets are served with their content types', async () => {
  const js = await app.inject({ url: '/pay/assets/form.js' });
  assert.equal(js.statusCode, 200);
  assert.match(String(js.headers['content-type']), /^text\/javascript/);
  assert.match(js.body, /parent\.postMessage\(\{ type: 'taquilla-payment-token'/);
  const css = await app.inject({ url: '/pay/assets/form.css' });
  assert.equal(css.statusCode, 200);
  assert.match(String(css.headers['content-type']), /^text\/css/);
});

test('test payment server: GET /health answers ok', async () => {
  const response = await app.inject({ url: '/health' });
  assert.deepEqual(response.json(), { status: 'ok' });
});

test('test payment server: refuses to share the app origin', async () => {
  await assert.rejects(buildTestPaymentServer({ secret, paymentOrigin: appOrigin, appOrigin }));
});
