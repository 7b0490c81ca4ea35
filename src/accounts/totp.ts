import { Secret, TOTP } from 'otpauth';

/**
 * Time-based one-time passwords (RFC 6238): SHA-1, 6 digits, 30-second steps, a 160-bit secret.
 * A code is accepted for the step before, the current one and the one after (clocks drift), and
 * never for a step at or before the last one accepted for that person, so a code seen over a
 * shoulder or in a phishing proxy cannot be replayed in the same 30 seconds. Attempts are
 * throttled per address and per account before it is checked (login-throttle.ts).
 */
const PERIOD = 30;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpUri(secret: string, account: string, issuer = 'Taquilla'): string {
  return new TOTP({ issuer, label: account, secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: PERIOD }).toString();
}

/** The step a code belongs to, when it is valid and newer than `lastStep`; otherwise null. Spaces in the code are ignored ("123 456"). */
export function acceptTotp(secret: string, typed: string, lastStep: number | null, now = Date.now()): number | null {
  const code = typed.replace(/\s/g, '');
  if (!/^\d{6}$/.test(code)) return null;
  const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: PERIOD });
  const delta = totp.validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return null;
  const step = Math.floor(now / 1000 / PERIOD) + delta;
  return lastStep !== null && step <= lastStep ? null : step;
}

/**
 * `acceptTotp` for an account row, whose secret is sealed at rest (staff and customers alike):
 * null when it has no secret or the code is refused.
 */
export function acceptAccountTotp(
  sealer: { open(sealed: string): string | null },
  account: { totp_secret: string | null; totp_last_step: number | null },
  code: string,
): number | null {
  const secret = account.totp_secret ? sealer.open(account.totp_secret) : null;
  return secret ? acceptTotp(secret, code, account.totp_last_step === null ? null : Number(account.totp_last_step)) : null;
}

/** The code for a time, for tests and the enrolment check. */
export function totpCode(secret: string, now = Date.now()): string {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: PERIOD }).generate({ timestamp: now });
}
