import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export interface AccessTokens {
  /** The token for one id: shown to whoever created the thing, once. */
  tokenFor(id: string): string;
  /** Whether `token` is the one for `id`, compared in constant time. */
  verify(id: string, token: string | undefined): boolean;
}

/**
 * A bearer credential for one order or one hold: an HMAC of its id under a key derived from the
 * deployment secret for that purpose. Nothing to store, the same token on every node and on an
 * idempotent retry, and it cannot be forged without the secret. The id itself is printed in
 * emails, logs and addresses and proves nothing; the token is what lets its holder act.
 */
export function accessTokens(secret: string, purpose: 'order-access' | 'hold-access'): AccessTokens {
  const key = Buffer.from(hkdfSync('sha256', secret, 'taquilla', purpose, 32));
  const tokenFor = (id: string) => createHmac('sha256', key).update(id).digest('base64url');
  return {
    tokenFor,
    verify(id, token) {
      if (!token) return false;
      const expected = Buffer.from(tokenFor(id));
      const given = Buffer.from(token);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
