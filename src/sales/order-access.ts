import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * The buyer's access token for an order is an HMAC of the order id under a key derived from the
 * deployment secret: nothing to store, the same token on every node and on a retried request,
 * and it cannot be forged without the secret.
 */
export function orderAccess(secret: string) {
  const key = Buffer.from(hkdfSync('sha256', secret, 'taquilla', 'order-access', 32));
  const tokenFor = (orderId: string) => createHmac('sha256', key).update(orderId).digest('base64url');
  return {
    tokenFor,
    verify(orderId: string, token: string | undefined): boolean {
      if (!token) return false;
      const expected = Buffer.from(tokenFor(orderId));
      const given = Buffer.from(token);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
