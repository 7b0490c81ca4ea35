import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { App } from '../../src/app.js';
import type { Db } from '../../src/platform/transaction.js';
import { cookieOf, ORIGIN } from './staff.js';

/** What a fan's browser sends from our own pages. */
export const fromPage = { origin: ORIGIN };
export const PASSWORD = 'a long passphrase only this fan knows';

let counter = 0;
export const uniqueEmail = (label = 'fan') => `${label}-${process.pid}-${++counter}@example.com`;

/** The token of the newest emailed link of `kind` (customer_verify_email, customer_reset_password, customer_forced_reset) to `recipient`. */
export async function emailedToken(db: Db, recipient: string, kind: string): Promise<string> {
  const message = await db
    .selectFrom('outbox')
    .select(['body_text'])
    .where(sql`lower(recipient)`, '=', recipient.toLowerCase())
    .where('kind', '=', kind)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  assert.ok(message, `no ${kind} email to ${recipient}`);
  const match = /#token=([^\s]+)/.exec(message.body_text);
  assert.ok(match, message.body_text);
  return decodeURIComponent(match[1]!);
}

export function emailsTo(db: Db, recipient: string) {
  return db
    .selectFrom('outbox')
    .select(['kind', 'locale', 'subject', 'body_text'])
    .where(sql`lower(recipient)`, '=', recipient.toLowerCase())
    .orderBy('created_at')
    .execute();
}

export const post = (app: App, url: string, payload: object, cookie?: string) =>
  app.inject({ method: 'POST', url, payload, headers: fromPage, cookies: cookie ? { tq_customer: cookie } : {} });

export const get = (app: App, url: string, cookie?: string) => app.inject({ url, headers: fromPage, cookies: cookie ? { tq_customer: cookie } : {} });

export interface Fan {
  id: string;
  email: string;
  password: string;
  cookie: string;
}

/** Signs a fan up and follows the emailed link with the password (which signs in); answers their signed-in cookie. */
export async function signedInFan(app: App, db: Db, opts: { email?: string; locale?: string; name?: string } = {}): Promise<Fan> {
  const email = opts.email ?? uniqueEmail();
  const up = await post(app, '/api/account/sign-up', { email, password: PASSWORD, locale: opts.locale ?? 'en', ...(opts.name ? { name: opts.name } : {}) });
  assert.equal(up.statusCode, 202, up.body);
  const verified = await post(app, '/api/account/verify', { token: await emailedToken(db, email, 'customer_verify_email'), password: PASSWORD });
  assert.equal(verified.statusCode, 200, verified.body);
  const cookie = cookieOf(verified, 'tq_customer')!;
  const me = await get(app, '/api/account/me', cookie);
  assert.equal(me.statusCode, 200, me.body);
  return { id: me.json().id, email, password: PASSWORD, cookie };
}

/** A password-only sign-in; answers the session cookie. */
export async function signIn(app: App, email: string, password: string): Promise<string> {
  const res = await post(app, '/api/account/sign-in', { email, password });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().state, 'signed_in');
  return cookieOf(res, 'tq_customer')!;
}

/** Polls until `read` stops throwing (work the server does after answering). */
export async function waitFor<T>(read: () => Promise<T>, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await read();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
