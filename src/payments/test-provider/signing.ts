import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * The test provider keeps no state, so every id it hands out carries its own claims:
 * `<prefix><base64url JSON>.<base64url HMAC-SHA256>`. The prefix is inside the MAC, so a session id
 * can never be replayed as a token (or the other way round) even though one key signs both.
 */
export interface Sealer {
  seal(prefix: string, claims: Record<string, unknown>): string;
  /** The claims of a genuine sealed string, or null for anything forged, altered or malformed. */
  open(prefix: string, sealed: unknown, maxLength?: number): Record<string, unknown> | null;
  /** Raw HMAC over `data`, for formats whose layout is fixed elsewhere (webhooks, payment ids). */
  mac(data: string): Buffer;
  /** Constant-time comparison of a MAC the caller received against the one it expected. */
  macEquals(expected: Buffer, received: Buffer): boolean;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAC_LENGTH = 32;

export function createSealer(secret: string): Sealer {
  if (!secret) throw new Error('The test payment provider needs the deployment secret');
  // A key of its own, so nothing signed here is valid anywhere else in Taquilla.
  const key = Buffer.from(hkdfSync('sha256', secret, 'taquilla', 'payments:test', 32));
  const mac = (data: string) => createHmac('sha256', key).update(data).digest();
  const macEquals = (expected: Buffer, received: Buffer) => expected.length === received.length && timingSafeEqual(expected, received);

  return {
    mac,
    macEquals,
    seal(prefix, claims) {
      const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return `${prefix}${payload}.${mac(`${prefix}${payload}`).toString('base64url')}`;
    },
    open(prefix, sealed, maxLength = 2048) {
      if (typeof sealed !== 'string' || sealed.length > maxLength || !sealed.startsWith(prefix)) return null;
      const dot = sealed.lastIndexOf('.');
      if (dot < 0) return null;
      const payload = sealed.slice(prefix.length, dot);
      const signature = sealed.slice(dot + 1);
      if (!BASE64URL.test(payload) || !BASE64URL.test(signature)) return null;
      const received = Buffer.from(signature, 'base64url');
      // Re-encoding must give back the exact text, so no two strings verify as the same id.
      if (received.length !== MAC_LENGTH || received.toString('base64url') !== signature) return null;
      if (!macEquals(mac(`${prefix}${payload}`), received)) return null;
      try {
        const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : null;
      } catch {
        return null;
      }
    },
  };
}

/** Tokens name their session by hash, which keeps them short and the description out of them. */
export const sessionDigest = (sessionId: string) => createHash('sha256').update(sessionId).digest('base64url');
