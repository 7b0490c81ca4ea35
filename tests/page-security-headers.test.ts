/**
 * Every kind of HTML response Taquilla gives, and the test provider's card form, held to the page
 * security requirements: Google's CSP Evaluator finds nothing worse than INFO; scripts run only
 * with a fresh nonce of at least 128 bits and 'strict-dynamic'; no plugins, no <base>, no framing
 * (the card form: by the app alone); forms, Trusted Types and violation reports declared; every
 * script and stylesheet the HTML names pinned by SRI (sha384) and the response's nonce; the
 * companion headers set. A second app on an https BASE_URL must add HSTS and the Reporting API.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CspEvaluator } from 'csp_evaluator/dist/evaluator.js';
import { Severity, Type } from 'csp_evaluator/dist/finding.js';
import { CspParser } from 'csp_evaluator/dist/parser.js';
import { createTestPaymentProvider } from '../src/payments/test-provider/test-provider.js';
import type { App } from '../src/app.js';
import { testApp, testPayments, type TestApp } from './helpers/app.js';
import { databaseAvailable, skipReason } from './helpers/database.js';

const webBuilt = existsSync(join(process.cwd(), 'web', 'dist', 'index.html'));
const skip = !databaseAvailable ? skipReason : !webBuilt ? 'web/dist is missing: run `npm run build:web` first' : false;

interface Injected {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  rawPayload: Buffer;
}
interface Injector {
  inject(opts: { url: string; headers?: Record<string, string> }): Promise<Injected>;
}

const ONE_YEAR = 365 * 24 * 3600;
const SAFE_REFERRER = ['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin'];
// Script types a browser does not run: data blocks need no nonce.
const EXECUTABLE_SCRIPT = /^(|module|importmap|speculationrules|text\/javascript|application\/javascript)$/i;
const id = randomUUID();
const PAGES: [path: string, status: number][] = [
  ['/', 200],
  ['/events/x', 200],
  [`/performances/${id}`, 200],
  [`/orders/${id}`, 200],
  [`/checkout/${id}`, 200],
  ['/account', 200],
  ['/account/sign-in', 200],
  ['/account/reset', 200],
  [`/queue/${id}`, 200],
  ['/console', 200],
  ['/console/shield', 200],
  ['/no-such-page', 404],
];
const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

function header(res: Injected, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value.join(', ') : value === undefined ? undefined : String(value);
}

function attributes(tag: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const m of tag.replace(/^<\w+/, '').matchAll(/([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    attrs.set(m[1]!.toLowerCase(), m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

function originOf(value: string): string {
  try {
    return new URL(value).origin;
  } catch {
    return value;
  }
}

interface Expected {
  status: number;
  /** frame-ancestors, exactly. */
  frameAncestors: string[];
  https: boolean;
  /**
   * The test config's own http origins (app and card form): in the http case the Evaluator's
   * "use https" finding on an address there is the configuration's, not the policy's.
   */
  httpOrigins: string[];
}

interface Checked {
  problems: string[];
  nonce: string | undefined;
  /** Same-origin scripts and stylesheets the HTML names, with the integrity it gives them. */
  assets: Map<string, string>;
}

/** Every way one HTML response falls short of the requirements, as readable lines. */
function check(res: Injected, expected: Expected): Checked {
  const problems: string[] = [];
  const assets = new Map<string, string>();
  if (res.statusCode !== expected.status) problems.push(`status ${res.statusCode}, expected ${expected.status}`);
  if (!/^text\/html/.test(header(res, 'content-type') ?? '')) problems.push(`content-type ${header(res, 'content-type')}`);

  const raw = res.headers['content-security-policy'];
  if (Array.isArray(raw)) problems.push(`${raw.length} Content-Security-Policy headers; expected one`);
  const csp = header(res, 'content-security-policy') ?? '';
  if (!csp) problems.push('no Content-Security-Policy header');
  const findings = new CspEvaluator(new CspParser(csp).csp).evaluate();
  for (const f of findings) {
    if (f.severity >= Severity.INFO) continue;
    if (!expected.https && f.type === Type.SRC_HTTP && expected.httpOrigins.includes(originOf(f.value ?? ''))) continue;
    problems.push(`CSP Evaluator ${Severity[f.severity]} (${f.severity}) on ${f.directive}${f.value ? ` ${f.value}` : ''}: ${f.description}`);
  }

  const d = new CspParser(csp).csp.directives;
  const scriptSrc = d['script-src'] ?? [];
  const nonces = [...new Set(scriptSrc.map((v) => /^'nonce-(.+)'$/.exec(v)?.[1]).filter((n): n is string => n !== undefined))];
  const nonce = nonces.length === 1 ? nonces[0] : undefined;
  if (nonces.length !== 1) problems.push(`script-src has ${nonces.length} nonces: ${scriptSrc.join(' ')}`);
  if (nonce !== undefined) {
    const bits = Buffer.from(nonce, 'base64').length * 8;
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(nonce) || bits < 128) problems.push(`script-src nonce "${nonce}" is not base64 of at least 128 bits (${bits})`);
  }
  if (!scriptSrc.includes("'strict-dynamic'")) problems.push(`script-src lacks 'strict-dynamic': ${scriptSrc.join(' ')}`);
  const exactly = (name: string, want: string[]) => {
    const got = d[name];
    if (got?.join(' ') !== want.join(' ')) problems.push(`${name} is ${got ? `"${got.join(' ')}"` : 'missing'}, expected "${want.join(' ')}"`);
  };
  exactly('object-src', ["'none'"]);
  exactly('base-uri', ["'none'"]);
  exactly('frame-ancestors', expected.frameAncestors);
  if (!d['form-action']?.length) problems.push('form-action missing');
  if (!d['require-trusted-types-for']?.includes("'script'")) problems.push("require-trusted-types-for 'script' missing");
  if (!d['report-uri']?.length) problems.push('report-uri missing');

  if (header(res, 'x-content-type-options') !== 'nosniff') problems.push(`X-Content-Type-Options is ${header(res, 'x-content-type-options')}`);
  const referrer = header(res, 'referrer-policy');
  if (!referrer || !SAFE_REFERRER.includes(referrer.split(',').pop()!.trim().toLowerCase())) problems.push(`Referrer-Policy is ${referrer}`);
  if (!header(res, 'permissions-policy')) problems.push('Permissions-Policy missing');
  const coop = header(res, 'cross-origin-opener-policy');
  if (!coop || coop === 'unsafe-none') problems.push(`Cross-Origin-Opener-Policy is ${coop}`);

  if (expected.https) {
    const maxAge = Number(/max-age=(\d+)/i.exec(header(res, 'strict-transport-security') ?? '')?.[1] ?? -1);
    if (maxAge < ONE_YEAR) problems.push(`Strict-Transport-Security is "${header(res, 'strict-transport-security')}", expected max-age >= ${ONE_YEAR}`);
    const group = d['report-to']?.[0];
    const endpoints = header(res, 'reporting-endpoints') ?? '';
    if (!group) problems.push('report-to missing');
    else if (!new RegExp(`(^|,)\\s*${group.replace(/[^\w-]/g, '')}\\s*=\\s*"https://[^"]+"`).test(endpoints)) {
      problems.push(`Reporting-Endpoints "${endpoints}" does not define report-to group "${group}" at an https URL`);
    }
  }

  for (const m of res.body.matchAll(/<(script|link)\b[^>]*>/gi)) {
    const tag = m[0];
    const attrs = attributes(tag);
    const isScript = m[1]!.toLowerCase() === 'script';
    const rel = (attrs.get('rel') ?? '').toLowerCase().split(/\s+/);
    const url = isScript ? attrs.get('src') : attrs.get('href');
    const pinned = isScript ? url !== undefined : url !== undefined && (rel.includes('stylesheet') || rel.includes('modulepreload'));
    const runs = isScript && EXECUTABLE_SCRIPT.test(attrs.get('type') ?? '');
    if (!pinned && !runs) continue;
    if (attrs.get('nonce') !== nonce) problems.push(`${tag.slice(0, 120)}: nonce "${attrs.get('nonce')}" is not the header's`);
    if (!pinned) continue;
    const integrity = attrs.get('integrity') ?? '';
    if (!/^sha384-[A-Za-z0-9+/]{64}$/.test(integrity)) problems.push(`${tag.slice(0, 120)}: no sha384 integrity`);
    else if (url!.startsWith('/') && !url!.startsWith('//')) assets.set(url!, integrity);
  }
  return { problems, nonce, assets };
}

function report(label: string, res: Injected, problems: string[]): string {
  return `${label}: ${problems.length} problem(s)\n  - ${problems.join('\n  - ')}\n  CSP: ${header(res, 'content-security-policy')}`;
}

function pageSecurity(scheme: 'http' | 'https'): void {
  const https = scheme === 'https';
  describe(`page security headers (${scheme})`, { skip }, () => {
    let t: TestApp;
    let payments: App;
    let sessionId: string;
    const assets = new Map<string, string>();
    const payAssets = new Map<string, string>();

    before(async () => {
      t = await testApp(https ? { BASE_URL: 'https://taquilla.test', PAYMENT_ORIGIN: 'https://pay.taquilla.test' } : {});
      payments = await testPayments(t.ctx);
      const provider = createTestPaymentProvider({ secret: t.ctx.config.secret, paymentOrigin: t.ctx.config.paymentOrigin });
      ({ sessionId } = await provider.createSession({ orderId: randomUUID(), amount: 4500, currency: 'EUR', description: 'Two tickets' }));
    });
    after(async () => {
      await payments?.close();
      await t?.close();
    });

    const expected = (status: number, frameAncestors: string[]): Expected => ({
      status,
      frameAncestors,
      https,
      httpOrigins: [new URL(t.ctx.config.baseUrl).origin, new URL(t.ctx.config.paymentOrigin).origin].filter((o) => o.startsWith('http:')),
    });

    /** Two loads of one page: both checked, and their nonces must differ. */
    async function twice(server: Injector, url: string, want: Expected, into: Map<string, string>): Promise<void> {
      const first = await server.inject({ url, headers: html });
      const second = await server.inject({ url, headers: html });
      const a = check(first, want);
      const b = check(second, want);
      const problems = [...a.problems];
      if (a.nonce !== undefined && a.nonce === b.nonce) problems.push(`two responses share the nonce ${a.nonce}`);
      for (const [asset, integrity] of a.assets) into.set(asset, integrity);
      assert.equal(problems.length, 0, report(`GET ${url}`, first, problems));
    }

    for (const [path, status] of PAGES) {
      test(`page security (${scheme}): GET ${path.replace(id, '<uuid>')} has a strict nonce CSP, SRI on its scripts and styles, and the companion headers`, async () => {
        await twice(t.app, path, expected(status, ["'none'"]), assets);
      });
    }

    test(`page security (${scheme}): the card form, framed by the app's origin alone, has the same protections`, async () => {
      await twice(payments, `/pay/${sessionId}?lang=es`, expected(200, [new URL(t.ctx.config.baseUrl).origin]), payAssets);
    });

    test(`page security (${scheme}): the card form's page for a bad session has the same protections`, async () => {
      await twice(payments, `/pay/${sessionId.slice(0, -2)}xx`, expected(400, [new URL(t.ctx.config.baseUrl).origin]), payAssets);
    });

    test(`page security (${scheme}): every pinned asset matches its integrity, and /assets/ files carry Cross-Origin-Resource-Policy`, async (c) => {
      if (assets.size === 0) return c.skip('no page passed far enough to name its assets');
      const problems: string[] = [];
      for (const [server, list] of [
        [t.app, assets],
        [payments, payAssets],
      ] as const) {
        for (const [url, integrity] of list) {
          const res = await server.inject({ url });
          if (res.statusCode !== 200) {
            problems.push(`${url}: status ${res.statusCode}`);
            continue;
          }
          const actual = `sha384-${createHash('sha384').update(res.rawPayload).digest('base64')}`;
          if (actual !== integrity) problems.push(`${url}: integrity ${integrity} but the file hashes to ${actual}`);
          const corp = header(res, 'cross-origin-resource-policy');
          if (url.startsWith('/assets/') && corp !== 'same-origin' && corp !== 'same-site') problems.push(`${url}: Cross-Origin-Resource-Policy is ${corp}`);
          if (header(res, 'x-content-type-options') !== 'nosniff') problems.push(`${url}: X-Content-Type-Options is ${header(res, 'x-content-type-options')}`);
        }
      }
      assert.equal(problems.length, 0, `${problems.length} problem(s)\n  - ${problems.join('\n  - ')}`);
    });
  });
}

pageSecurity('http');
pageSecurity('https');
