import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The small cryptographic pieces accounts are built from, in one place (Lucia's habit: short,
 * explicit, says why).
 *
 * - Random secrets: 32 bytes (256 bits) from the CSPRNG, base64url: session ids, invitation and
 *   reset tokens, API keys. Only their SHA-256 is stored: the secret is high-entropy, so a fast
 *   hash is enough and a database leak hands out nothing usable.
 * - Recovery codes are short enough to type, so they are hashed with an HMAC under a key derived
 *   from the deployment secret: a leaked table alone cannot be brute-forced offline.
 * - TOTP secrets must be read back to check codes, so they are sealed (AES-256-GCM) with a key
 *   derived from the deployment secret, not stored in the clear.
 */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Equality of two strings in time that does not depend on where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

export interface Sealer {
  seal(plain: string): string;
  /** The plain text, or null when the sealed text was altered or sealed under another key. */
  open(sealed: string): string | null;
  /** HMAC-SHA256 of a value under this key, hex. */
  mac(value: string): string;
}

/** A key derived from the deployment secret for one purpose (`totp-secrets`, `recovery-codes`). */
export function createSealer(secret: string, purpose: string): Sealer {
  const key = Buffer.from(hkdfSync('sha256', secret, 'taquilla', `accounts:${purpose}`, 32));
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v1.${iv.toString('base64url')}.${body.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
    },
    open(sealed) {
      const [version, iv, body, tag] = sealed.split('.');
      if (version !== 'v1' || !iv || body === undefined || !tag) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
    },
    mac: (value) => createHmac('sha256', key).update(value).digest('hex'),
  };
}
