import { randomInt } from 'node:crypto';
import type { Sealer } from './secrets.js';

/**
 * Recovery codes: ten single-use codes of ten characters from an alphabet without look-alikes
 * (about 50 bits each), shown once when the first second factor is enrolled; only their HMAC is
 * stored. One gets a person in when their authenticator is lost; each works once.
 */
const ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
const COUNT = 10;

export function newRecoveryCodes(): string[] {
  return Array.from({ length: COUNT }, () => {
    const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]!).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** The stored form of a code: HMAC of the code as typed, spaces, dashes and case set aside. */
export const recoveryCodeHash = (sealer: Sealer, code: string): string => sealer.mac(code.toLowerCase().replace(/[\s-]/g, ''));
