import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * Passwords, after NIST SP 800-63B-4 (§3.1.1.2) and OWASP's password storage advice:
 *
 * - argon2id with m = 19,456 KiB, t = 2, p = 1 (OWASP's minimum; about 13 ms a hash here);
 * - at least 15 characters when the password is the only factor, 8 when a second factor is
 *   required (staff always have one); at most 128, so any passphrase a person would type fits
 *   (NIST asks for at least 64);
 * - no composition rules and no expiry; instead every password is checked against a list of
 *   common and breached passwords shipped with the app (@zxcvbn-ts/language-common, 49,233
 *   entries) and against words of the context (the service's name, the person's email), and the
 *   reason for a refusal is said.
 */
// `Algorithm.Argon2id` is a const enum, which isolated modules cannot import: its value is 2.
const PARAMS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const MAX_LENGTH = 128;
const COMMON = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

export type PasswordProblem = 'too_short' | 'too_long' | 'common' | 'context';

export interface PasswordVerdict {
  ok: boolean;
  problem?: PasswordProblem;
  message?: string;
}

/** Whether a password may be used; `minLength` is 8 with a second factor, 15 without. */
export function checkPassword(password: string, context: { minLength: 8 | 15; email?: string }): PasswordVerdict {
  const length = [...password].length;
  if (length < context.minLength) return { ok: false, problem: 'too_short', message: `Use at least ${context.minLength} characters` };
  if (length > MAX_LENGTH) return { ok: false, problem: 'too_long', message: `Use at most ${MAX_LENGTH} characters` };
  const folded = password.toLowerCase();
  if (COMMON.has(folded)) return { ok: false, problem: 'common', message: 'This password is on a list of common or breached passwords; choose another' };
  const local = context.email?.split('@')[0]?.toLowerCase();
  const words = ['taquilla', ...(local && local.length >= 3 ? [local, context.email!.toLowerCase()] : [])];
  if (words.some((w) => folded === w || folded.replace(/[^a-z0-9]/g, '') === w.replace(/[^a-z0-9]/g, ''))) {
    return { ok: false, problem: 'context', message: 'The password must not be your email address or the name of this service' };
  }
  return { ok: true };
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS);
}

/**
 * Checks a password against a stored hash. With no hash (an unknown account, or one without a
 * password), it verifies against a fixed dummy hash and answers false, so an attacker cannot tell
 * unknown accounts from wrong passwords by the time the answer takes.
 */
export async function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  const target = stored ?? (await dummyHash());
  try {
    const ok = await verify(target, password);
    return ok && stored !== null && stored !== undefined;
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
const dummyHash = () => {
  dummy ??= hash('taquilla: no such account', PARAMS);
  return dummy;
};
