import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { sql } from 'kysely';
import type { AuthChallengePurpose } from '../platform/database.types.js';
import { AppError } from '../platform/errors.js';
import type { Db } from '../platform/transaction.js';
import { sha256Hex } from './secrets.js';

/**
 * Passkeys (WebAuthn), with @simplewebauthn/server. The relying party is the app's own origin: its
 * host name is the RP ID (`localhost` in development and tests). User verification is required,
 * so a passkey is two factors in one gesture (the device, and the PIN or biometric that unlocks it):
 * signing in with one needs no password. Each ceremony's challenge is stored (hashed) for two
 * minutes and spent once, so a captured response cannot be replayed. Staff and fans share these
 * ceremonies under purposes of their own, so a challenge made for one is refused by the other.
 */
export interface RelyingParty {
  id: string;
  name: string;
  origin: string;
}

export const relyingParty = (baseUrl: string): RelyingParty => {
  const url = new URL(baseUrl);
  return { id: url.hostname, name: 'Taquilla', origin: url.origin };
};

export type RegisterPurpose = Extract<AuthChallengePurpose, 'passkey_register' | 'customer_passkey_register'>;
export type AssertionPurpose = Exclude<AuthChallengePurpose, RegisterPurpose>;
const CHALLENGE_SECONDS = 120;
const refused = () => new AppError('passkey_refused', 401, 'The passkey could not be verified; try again');

async function keepChallenge(db: Db, purpose: AuthChallengePurpose, challenge: string, subjectId: string | null): Promise<void> {
  await db.deleteFrom('auth_challenges').where('expires_at', '<', sql<Date>`now()`).execute();
  await db
    .insertInto('auth_challenges')
    .values({
      id: sha256Hex(challenge),
      purpose,
      subject_id: subjectId,
      challenge,
      expires_at: sql<Date>`now() + make_interval(secs => ${CHALLENGE_SECONDS})` as never,
    })
    .execute();
}

/** Spends a challenge: true once, for the purpose (and person) it was made for. */
async function spendChallenge(db: Db, purpose: AuthChallengePurpose, challenge: string, subjectId: string | null): Promise<boolean> {
  let query = db.deleteFrom('auth_challenges').where('id', '=', sha256Hex(challenge)).where('purpose', '=', purpose).where('expires_at', '>', sql<Date>`now()`);
  query = subjectId === null ? query.where('subject_id', 'is', null) : query.where('subject_id', '=', subjectId);
  const spent = await query.executeTakeFirst();
  return spent.numDeletedRows > 0n;
}

export async function registrationOptions(
  db: Db,
  rp: RelyingParty,
  person: { id: string; email: string; name: string },
  existing: { credential_id: string; transports: string[] }[],
  purpose: RegisterPurpose = 'passkey_register',
) {
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: person.email,
    userDisplayName: person.name || person.email,
    userID: new TextEncoder().encode(person.id),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credential_id, transports: p.transports })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  await keepChallenge(db, purpose, options.challenge, person.id);
  return options;
}

export async function verifyRegistration(
  db: Db,
  rp: RelyingParty,
  personId: string,
  response: RegistrationResponseJSON,
  purpose: RegisterPurpose = 'passkey_register',
) {
  const result = await verifyRegistrationResponse({
    response,
    expectedChallenge: (challenge) => spendChallenge(db, purpose, challenge, personId),
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    requireUserVerification: true,
  }).catch(() => ({ verified: false as const }));
  if (!result.verified) throw refused();
  const { credential } = result.registrationInfo;
  return { credentialId: credential.id, publicKey: Buffer.from(credential.publicKey), counter: credential.counter, transports: credential.transports ?? [] };
}

/** Options for signing in (any of the person's passkeys, found by the browser) or for confirming a sudo action (`personId`). */
export async function assertionOptions(db: Db, rp: RelyingParty, purpose: AssertionPurpose, personId: string | null = null) {
  const options = await generateAuthenticationOptions({ rpID: rp.id, userVerification: 'required' });
  await keepChallenge(db, purpose, options.challenge, personId);
  return options;
}

export interface StoredPasskey {
  credential_id: string;
  public_key: Buffer;
  counter: number;
  transports: string[];
}

/** Checks an assertion against the stored passkey; answers the new signature counter. */
export async function verifyAssertion(
  db: Db,
  rp: RelyingParty,
  purpose: AssertionPurpose,
  response: AuthenticationResponseJSON,
  passkey: StoredPasskey,
  personId: string | null = null,
): Promise<number> {
  const result = await verifyAuthenticationResponse({
    response,
    expectedChallenge: (challenge) => spendChallenge(db, purpose, challenge, personId),
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    requireUserVerification: true,
    credential: { id: passkey.credential_id, publicKey: new Uint8Array(passkey.public_key), counter: Number(passkey.counter), transports: passkey.transports },
  }).catch(() => ({ verified: false, authenticationInfo: undefined }));
  if (!result.verified || !result.authenticationInfo) throw refused();
  return result.authenticationInfo.newCounter;
}
