import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { testApp, type TestApp } from '../../tests/helpers/app.js';
import { routeClass, SHED_AT } from './route-classes.js';
import { pageLocale, SHED_PAGE_CSP, shedPage } from './shed-page.js';
import { SHIELD_ON, webBuild } from './shield.fixtures.js';

test('shed page: the visitor’s language from Accept-Language, English otherwise', () => {
  assert.equal(pageLocale('es-ES,es;q=0.9,en;q=0.8'), 'es');
  assert.equal(pageLocale('de-DE, fr-CA;q=0.7, en;q=0.5'), 'fr');
  assert.equal(pageLocale('en;q=0.4, nl-BE;q=0.8'), 'nl');
  assert.equal(pageLocale('nb-NO'), 'nb');
  assert.equal(pageLocale('no, en;q=0.5'), 'nb');
  assert.equal(pageLocale('de, it'), 'en');
  assert.equal(pageLocale('*'), 'en');
  assert.equal(pageLocale(undefined), 'en');
  assert.equal(pageLocale('fr;q=0, es;q=0.1'), 'es', 'q=0 means "not this one"');
});

test('shed page: retries by itself after Retry-After unless stopped, without a meta refresh; its CSP allows its own style and script and nothing else', () => {
  const html = shedPage('fr', 7);
  assert.match(html, /^<!doctype html><html lang="fr">/);
  assert.doesNotMatch(html, /http-equiv="refresh"/i, 'a timed reload the reader cannot stop fails WCAG 2.2.1');
  assert.match(html, /<button type="button" id="stop" data-seconds="7">Ne plus réessayer d’elle-même<\/button>/);
  assert.match(html, /réessaiera d’elle-même dans 7 secondes/);
  for (const tag of ['style', 'script']) {
    const body = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(html)![1]!;
    const hash = createHash('sha256').update(body).digest('base64');
    assert.ok(SHED_PAGE_CSP.includes(`${tag}-src 'sha256-${hash}'`), SHED_PAGE_CSP);
  }
  assert.equal(shedPage('en', 3).match(/<script>[^<]*<\/script>/)?.[0], html.match(/<script>[^<]*<\/script>/)?.[0], 'one script for every page');
  assert.ok(SHED_PAGE_CSP.startsWith("default-src 'none'"));
  assert.ok(Buffer.byteLength(html) < 2048, `small: ${Buffer.byteLength(html)} bytes`);
});

test('route classes: the hashed static files are a class of their own', () => {
  assert.equal(routeClass('GET', '/assets/*'), 'asset');
  assert.equal(routeClass('HEAD', '/assets/*'), 'asset');
  assert.equal(routeClass('GET', '/events/*'), 'browse');
});

test('route classes: the console’s own account routes are never shed; its sign-in steps are the login class', () => {
  assert.equal(routeClass('GET', '/api/auth/staff/me'), 'operator');
  assert.equal(routeClass('DELETE', '/api/auth/staff/sessions/:id'), 'operator');
  assert.equal(routeClass('POST', '/api/auth/staff/password'), 'login');
  assert.equal(routeClass('POST', '/api/auth/staff/second-factor'), 'login');
  assert.equal(SHED_AT.operator, Number.POSITIVE_INFINITY);
});

describe('shed page over HTTP', () => {
  let t: TestApp;
  let build: ReturnType<typeof webBuild>;
  let pressure = 0;
  before(async () => {
    build = webBuild();
    t = await testApp(SHIELD_ON, 20, { shield: { pressure: () => pressure } }, { context: (ctx) => (ctx.webDistDir = build.dir) });
  });
  after(async () => {
    await t.close();
    rmSync(build.dir, { recursive: true, force: true });
  });

  test('a shed page request gets a small page in the visitor’s language that retries by itself; the API gets JSON; static files are never shed', async () => {
    pressure = 50;
    const pages: [string, string | undefined, string, RegExp][] = [
      ['/performances/abc', 'es-419,es;q=0.9', 'es', /Se volverá a intentar sola dentro de (\d+) segundos/],
      ['/events/rock-night', 'nl-NL', 'nl', /Over (\d+) seconden probeert hij het vanzelf opnieuw/],
      ['/', 'nb', 'nb', /prøver igjen av seg selv om (\d+) sekunder/],
      ['/queue/abc?x=1', 'fr-FR', 'fr', /réessaiera d’elle-même dans (\d+) secondes/],
      ['/checkout/abc', 'de-DE', 'en', /It will try again by itself in (\d+) seconds/],
      ['/orders/abc', undefined, 'en', /It will try again by itself in (\d+) seconds/],
    ];
    for (const [url, language, locale, says] of pages) {
      const res = await t.app.inject({ url, headers: { accept: 'text/html', ...(language ? { 'accept-language': language } : {}) } });
      assert.equal(res.statusCode, 503, url);
      assert.match(String(res.headers['content-type']), /^text\/html/, url);
      assert.equal(res.headers['content-language'], locale, url);
      assert.equal(res.headers['content-security-policy'], SHED_PAGE_CSP);
      assert.equal(res.headers['cache-control'], 'no-store');
      const retryAfter = Number(res.headers['retry-after']);
      assert.ok(retryAfter >= 1, url);
      assert.match(res.body, new RegExp(`data-seconds="${retryAfter}"`), url);
      assert.equal(says.exec(res.body)?.[1], String(retryAfter), `${url} says when`);
    }
    const api = await t.app.inject({ url: '/api/events', headers: { accept: 'text/html', 'accept-language': 'es' } });
    assert.equal(api.statusCode, 503);
    assert.equal(api.json().error.code, 'overloaded', 'the API answers JSON, whatever the Accept');

    for (const name of build.assets) {
      const asset = await t.app.inject({ url: `/assets/${name}` });
      assert.equal(asset.statusCode, 200, `${name}: ${asset.body.slice(0, 100)}`);
      assert.match(String(asset.headers['cache-control']), /immutable/);
    }
    pressure = 0;
    assert.equal((await t.app.inject({ url: '/performances/abc' })).statusCode, 200, 'served again once pressure falls');
  });

  test('static files reach a blocked address (under their own generous limit); its pages do not', async () => {
    const ip = '198.51.100.66';
    for (let i = 0; i < 200; i++) await t.app.inject({ url: '/api/events', remoteAddress: ip });
    assert.ok(t.ctx.shield.limits.blockedFor(ip, Date.now()) > 0, 'blocked');
    assert.equal((await t.app.inject({ url: '/events/x', remoteAddress: ip })).statusCode, 429);
    assert.equal((await t.app.inject({ url: `/assets/${build.assets[1]}`, remoteAddress: ip })).statusCode, 200);
  });
});
