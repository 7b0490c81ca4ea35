import { createPrivateKey, createPublicKey, hkdfSync, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Ticket codes a scanner can check offline: `T1.<kid>.<payload>.<signature>`, base64url parts.
 * The payload is the ticket id and the performance id (16 bytes each); the signature is Ed25519
 * over `T1.<kid>.<payload>`, so the version and key id are signed too. Keys are derived from the
 * deployment secret per key id, so rotating is choosing a new TICKET_KEY_ID while old ids keep
 * verifying.
 */
export interface TicketClaims {
  ticketId: string;
  performanceId: string;
}

export interface TicketSigner {
  readonly kid: string;
  sign(claims: TicketClaims): string;
  /** The claims of a genuine code, or null for anything forged, altered or malformed. */
  verify(code: string): TicketClaims | null;
  publicKeys(): { kid: string; algorithm: 'Ed25519'; publicKey: string }[];
}

// PKCS#8 DER prefix for an Ed25519 private key; the 32-byte seed follows.
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

function keyPair(secret: string, kid: string): { privateKey: KeyObject; publicKey: KeyObject } {
  const seed = Buffer.from(hkdfSync('sha256', secret, 'taquilla', `ticket-signing:${kid}`, 32));
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

const uuidToBytes = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex');
function bytesToUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function createTicketSigner(secret: string, kid: string, previousKids: readonly string[] = []): TicketSigner {
  const current = keyPair(secret, kid);
  const keys = new Map<string, KeyObject>([[kid, current.publicKey]]);
  for (const old of previousKids) keys.set(old, keyPair(secret, old).publicKey);

  return {
    kid,
    sign({ ticketId, performanceId }) {
      const payload = Buffer.concat([uuidToBytes(ticketId), uuidToBytes(performanceId)]).toString('base64url');
      const signed = `T1.${kid}.${payload}`;
      return `${signed}.${sign(null, Buffer.from(signed), current.privateKey).toString('base64url')}`;
    },
    verify(code) {
      if (typeof code !== 'string' || code.length > 256) return null;
      const parts = code.split('.');
      if (parts.length !== 4 || parts[0] !== 'T1') return null;
      const [, codeKid, payload, signature] = parts as [string, string, string, string];
      const key = keys.get(codeKid);
      if (!key) return null;
      const bytes = Buffer.from(payload, 'base64url');
      const sig = Buffer.from(signature, 'base64url');
      // Re-encoding must give back the exact text, so no two strings verify as the same code.
      if (bytes.length !== 32 || bytes.toString('base64url') !== payload || sig.toString('base64url') !== signature) return null;
      if (!verify(null, Buffer.from(`T1.${codeKid}.${payload}`), key, sig)) return null;
      return { ticketId: bytesToUuid(bytes.subarray(0, 16)), performanceId: bytesToUuid(bytes.subarray(16)) };
    },
    publicKeys() {
      return [...keys].map(([keyId, key]) => ({
        kid: keyId,
        algorithm: 'Ed25519' as const,
        publicKey: key.export({ format: 'der', type: 'spki' }).toString('base64'),
      }));
    },
  };
}
