import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { audit } from '../platform/audit.js';
import type { AppContext } from '../platform/context.js';
import { AppError, conflict } from '../platform/errors.js';
import { type CustomerRow, findCustomerById } from './customer-accounts.repository.js';
import * as repo from './customer-passkeys.repository.js';
import { completeSignIn, notReady, remindNotReady } from './customer-sign-in.service.js';
import type { NewSession } from './sessions.js';
import type { Client } from './staff-sign-in.service.js';
import { assertionOptions, registrationOptions, relyingParty, verifyAssertion, verifyRegistration } from './webauthn.js';

/**
 * A fan's optional passkeys: added while signed in, then enough to sign in alone (the device and
 * its PIN or biometric are two factors, so neither the password nor the authenticator app is
 * asked). Every refusal of a passkey sign-in is the same 401, whether the passkey is unknown, its
 * assertion is wrong or replayed, or the account may not sign in yet (email not confirmed, forced
 * reset pending): only the fan's own inbox hears why, as with the password. A passkey stays valid
 * across a password change or reset: it does not depend on the password, and removing it is the
 * fan's own choice.
 */
const MAX_PASSKEYS = 20;

const refused = () => new AppError('passkey_refused', 401, 'The passkey could not be verified; try again');

export const passkeyView = (p: repo.CustomerPasskeyRow) => ({
  id: p.id,
  name: p.name,
  createdAt: p.created_at.toISOString(),
  lastUsedAt: p.last_used_at?.toISOString() ?? null,
});

export async function listCustomerPasskeys(ctx: AppContext, customerId: string) {
  return (await repo.passkeysOf(ctx.db, customerId)).map(passkeyView);
}

export async function customerPasskeyOptions(ctx: AppContext, customer: CustomerRow) {
  const existing = await repo.passkeysOf(ctx.db, customer.id);
  if (existing.length >= MAX_PASSKEYS) throw conflict('too_many_passkeys', `An account keeps at most ${MAX_PASSKEYS} passkeys; remove one first`);
  return registrationOptions(
    ctx.db,
    relyingParty(ctx.config.baseUrl),
    { id: customer.id, email: customer.email, name: customer.name },
    existing,
    'customer_passkey_register',
  );
}

export async function addCustomerPasskey(ctx: AppContext, customerId: string, response: RegistrationResponseJSON, name: string | undefined, client: Client) {
  const key = await verifyRegistration(ctx.db, relyingParty(ctx.config.baseUrl), customerId, response, 'customer_passkey_register');
  const row = await repo.insertPasskey(ctx.db, { customerId, ...key, name: name?.trim() || 'Passkey' });
  if (!row) throw conflict('passkey_exists', 'This passkey is already registered');
  await audit(ctx.db, {
    actor: `customer:${customerId}`,
    action: 'accounts.customer.passkey_added',
    subjectType: 'customer',
    subjectId: customerId,
    ip: client.ip,
    data: { passkeyId: row.id, name: row.name },
  });
  return passkeyView(row);
}

export async function removeCustomerPasskey(ctx: AppContext, customerId: string, passkeyId: string, client: Client): Promise<void> {
  if (!(await repo.deletePasskey(ctx.db, customerId, passkeyId))) throw new AppError('passkey_not_found', 404, 'No such passkey of yours');
  await audit(ctx.db, {
    actor: `customer:${customerId}`,
    action: 'accounts.customer.passkey_removed',
    subjectType: 'customer',
    subjectId: customerId,
    ip: client.ip,
    data: { passkeyId },
  });
}

/** A challenge for any fan's passkey; the browser finds which one (a discoverable credential). */
export const customerPasskeySignInOptions = (ctx: AppContext) => assertionOptions(ctx.db, relyingParty(ctx.config.baseUrl), 'customer_passkey_sign_in');

async function signInFailed(ctx: AppContext, customerId: string | undefined, client: Client): Promise<never> {
  await audit(ctx.db, {
    actor: 'anonymous',
    action: 'accounts.customer.sign_in_failed',
    subjectType: 'customer',
    subjectId: customerId ?? 'unknown',
    ip: client.ip,
    data: { method: 'passkey' },
  });
  throw refused();
}

/** Signs a fan in with a passkey alone; answers the signed-in session and the account's email (for the login throttle). */
export async function customerPasskeySignIn(
  ctx: AppContext,
  response: AuthenticationResponseJSON,
  client: Client,
): Promise<{ session: NewSession; email: string }> {
  const passkey = typeof response?.id === 'string' ? await repo.findPasskeyByCredential(ctx.db, response.id) : undefined;
  if (!passkey) return signInFailed(ctx, undefined, client);
  const counter = await verifyAssertion(ctx.db, relyingParty(ctx.config.baseUrl), 'customer_passkey_sign_in', response, passkey).catch(() =>
    signInFailed(ctx, passkey.customer_id, client),
  );
  await repo.markPasskeyUsed(ctx.db, passkey.id, counter);
  const customer = await findCustomerById(ctx.db, passkey.customer_id);
  if (!customer) return signInFailed(ctx, passkey.customer_id, client);
  // As the password sign-in does for the right password; the answer itself stays the plain refusal.
  if (notReady(customer)) {
    await remindNotReady(ctx, customer, client, 'passkey');
    throw refused();
  }
  return { session: await completeSignIn(ctx, customer.id, client, 'passkey'), email: customer.email };
}
