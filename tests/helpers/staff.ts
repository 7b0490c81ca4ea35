import assert from 'node:assert/strict';
import { totpCode } from '../../src/accounts/totp.js';
import type { StaffRole } from '../../src/platform/database.types.js';
import type { App } from '../../src/app.js';
import { buildApp } from '../../src/app.js';
import { createContext } from '../../src/platform/context.js';
import { admin, type TestApp } from './app.js';

/** Requests a browser on the console would send: same origin, and the staff cookie once signed in. */
export const ORIGIN = 'http://localhost:3900';

export interface SignedIn {
  id: string;
  email: string;
  password: string;
  totpSecret: string;
  recoveryCodes: string[];
  cookie: string;
  /** Headers for an inject from the console: Origin and the session cookie. */
  headers: Record<string, string>;
}

export function cookieOf(res: { headers: Record<string, unknown> }, name = 'tq_staff'): string | undefined {
  const raw = res.headers['set-cookie'];
  const all = Array.isArray(raw) ? raw : raw ? [String(raw)] : [];
  const found = all.find((c) => c.startsWith(`${name}=`));
  if (!found) return undefined;
  return found.split(';')[0]!.slice(name.length + 1) || undefined;
}

/** A TOTP code that is new to the account: the next step's (the enrolment used the current one). */
export const nextCode = (secret: string, steps = 1) => totpCode(secret, Date.now() + steps * 30_000);

let counter = 0;

/**
 * A staff member made the way a real one is: invited (with the break-glass token), the invitation
 * accepted with a password, a TOTP factor enrolled; answers their signed-in cookie. `origin` is the
 * console's origin when the app's BASE_URL is not the tests' default (a live server on a free port).
 */
export async function signedInStaff(
  app: App,
  role: StaffRole,
  opts: { eventIds?: string[]; performanceIds?: string[]; refundLimit?: number | null; origin?: string } = {},
): Promise<SignedIn> {
  const { origin = ORIGIN, ...limits } = opts;
  const email = `staff-${role}-${process.pid}-${++counter}@example.com`;
  const invited = await app.inject({ method: 'POST', url: '/api/admin/staff', headers: admin, payload: { email, name: `Test ${role}`, role, ...limits } });
  assert.equal(invited.statusCode, 201, invited.body);
  const token = decodeURIComponent(new URL(invited.json().invitationUrl).hash.replace('#token=', ''));
  const password = 'a long and unusual staff passphrase';
  const accepted = await app.inject({ method: 'POST', url: '/api/auth/staff/invitation', headers: { origin }, payload: { token, password } });
  assert.equal(accepted.statusCode, 200, accepted.body);
  const enrolCookie = cookieOf(accepted)!;
  const setup = await app.inject({ method: 'POST', url: '/api/auth/staff/totp/setup', headers: { origin }, cookies: { tq_staff: enrolCookie } });
  assert.equal(setup.statusCode, 200, setup.body);
  const { secret } = setup.json();
  const confirmed = await app.inject({
    method: 'POST',
    url: '/api/auth/staff/totp',
    headers: { origin },
    cookies: { tq_staff: enrolCookie },
    payload: { secret, code: totpCode(secret) },
  });
  assert.equal(confirmed.statusCode, 200, confirmed.body);
  const cookie = cookieOf(confirmed)!;
  return {
    id: invited.json().staff.id,
    email,
    password,
    totpSecret: secret,
    recoveryCodes: confirmed.json().recoveryCodes,
    cookie,
    headers: { origin, cookie: `tq_staff=${cookie}` },
  };
}

/** Another app instance on the same database, as a second node behind a balancer would be. */
export async function secondInstance(t: TestApp): Promise<App> {
  const app = await buildApp(createContext(t.ctx.config, t.database.db, t.database.kind, { log: () => {} }), { logger: false });
  await app.ready();
  return app;
}
