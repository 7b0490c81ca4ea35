import { hash, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * The waiting room's two signed strings, `<version>.<kid>.<payload>.<mac>` in base64url:
 *
 * - queue ticket `Q1`: performance, ticket id, place (0 = in the pre-queue, drawn at opening),
 *   joined at (ms) and the pre-queue flag. It is the fan's place in line: the place is in the
 *   ticket, so a status answer is one comparison with the serving counter.
 * - access token `A1`: performance, ticket id, place and expiry (ms); hold creation needs it
 *   while the room is active.
 *
 * HMAC-SHA256 over `<version>.<kid>.<payload>` with a key derived from the deployment secret per
 * key id and per kind, so a ticket's MAC never verifies as a token's. Rotating is choosing a new
 * QUEUE_KEY_ID while earlier ids keep verifying. Anything that does not re-encode to exactly the
 * same text is refused, so no two strings verify as the same ticket.
 */
export interface QueueClaims {
  performanceId: string;
  ticketId: string;
  place: number;
  joinedAt: number;
  pre: boolean;
}
export interface AccessClaims {
  performanceId: string;
  ticketId: string;
  place: number;
  expiresAt: number;
}

export interface QueueSigner {
  readonly kid: string;
  ticket(claims: QueueClaims): string;
  /** The claims of a genuine ticket, or null for anything forged, altered or malformed. */
  verifyTicket(text: string | undefined): QueueClaims | null;
  access(claims: AccessClaims): string;
  verifyAccess(text: string | undefined): AccessClaims | null;
}

const TICKET_BYTES = 16 + 16 + 6 + 6 + 1;
const ACCESS_BYTES = 16 + 16 + 6 + 6;
const MAX_LENGTH = 200;

const uuidBytes = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex');
function uuidText(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function key(secret: string, kind: string, kid: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'taquilla', `${kind}:${kid}`, 32));
}

function encodeTicket(c: QueueClaims): Buffer {
  const b = Buffer.alloc(TICKET_BYTES);
  uuidBytes(c.performanceId).copy(b, 0);
  Buffer.from(c.ticketId, 'hex').copy(b, 16);
  b.writeUIntBE(c.place, 32, 6);
  b.writeUIntBE(c.joinedAt, 38, 6);
  b[44] = c.pre ? 1 : 0;
  return b;
}

/**
 * Performance ids as text, one string per performance: a decoded ticket's id is this shared
 * string rather than a new one built from pieces on every poll. Only ids from genuine (verified)
 * strings come here; bounded all the same.
 */
const PERFORMANCE_IDS = 10_000;
const performanceIds = new Map<string, string>();
function performanceIdOf(b: Buffer): string {
  const hex = b.toString('hex', 0, 16);
  let text = performanceIds.get(hex);
  if (text === undefined) {
    if (performanceIds.size >= PERFORMANCE_IDS) performanceIds.clear();
    text = uuidText(b.subarray(0, 16));
    performanceIds.set(hex, text);
  }
  return text;
}

function decodeTicket(b: Buffer): QueueClaims | null {
  const pre = b[44];
  const place = b.readUIntBE(32, 6);
  // A pre-queue ticket has no place yet; any other has one.
  if ((pre !== 0 && pre !== 1) || (pre === 1) !== (place === 0)) return null;
  return { performanceId: performanceIdOf(b), ticketId: b.toString('hex', 16, 32), place, joinedAt: b.readUIntBE(38, 6), pre: pre === 1 };
}

function encodeAccess(c: AccessClaims): Buffer {
  const b = Buffer.alloc(ACCESS_BYTES);
  uuidBytes(c.performanceId).copy(b, 0);
  Buffer.from(c.ticketId, 'hex').copy(b, 16);
  b.writeUIntBE(c.place, 32, 6);
  b.writeUIntBE(c.expiresAt, 38, 6);
  return b;
}

function decodeAccess(b: Buffer): AccessClaims | null {
  const place = b.readUIntBE(32, 6);
  if (place === 0) return null;
  return { performanceId: performanceIdOf(b), ticketId: b.toString('hex', 16, 32), place, expiresAt: b.readUIntBE(38, 6) };
}

/** One kind of signed string: its version prefix, its keys by id, its payload size. */
/**
 * HMAC-SHA256 (RFC 2104) with one key, as two one-shot hashes over buffers padded with the key
 * once: H((K ^ opad) || H((K ^ ipad) || message)). The same bytes as `createHmac` (a test holds
 * them equal) without an Hmac object per call, which is a quarter of a status poll's HMAC cost.
 * Synchronous, so one scratch buffer per key is safe.
 */
export function hmacSha256(k: Buffer): (message: string) => Buffer {
  if (k.length > 64) throw new Error('HMAC keys here are 32 bytes');
  // Room for MAX_LENGTH characters of UTF-8 (3 bytes at most each) and a character more.
  const inner = Buffer.alloc(64 + 3 * MAX_LENGTH + 4);
  const outer = Buffer.alloc(64 + 32);
  for (let i = 0; i < 64; i++) {
    inner[i] = (k[i] ?? 0) ^ 0x36;
    outer[i] = (k[i] ?? 0) ^ 0x5c;
  }
  return (message) => {
    const n = inner.write(message, 64, 'utf8');
    // More than MAX_LENGTH characters can take means the message did not fit and was cut short.
    if (n > 3 * MAX_LENGTH) throw new Error('message too long to sign');
    hash('sha256', inner.subarray(0, 64 + n), 'buffer').copy(outer, 64);
    return hash('sha256', outer, 'buffer');
  };
}

function scheme(secret: string, version: string, kind: string, kid: string, previous: readonly string[], size: number) {
  const keys = new Map<string, (message: string) => Buffer>([[kid, hmacSha256(key(secret, kind, kid))]]);
  for (const old of previous) if (!keys.has(old)) keys.set(old, hmacSha256(key(secret, kind, old)));
  return {
    sign(payload: Buffer): string {
      const signed = `${version}.${kid}.${payload.toString('base64url')}`;
      return `${signed}.${keys.get(kid)!(signed).toString('base64url')}`;
    },
    open(text: string | undefined): Buffer | null {
      if (typeof text !== 'string' || text.length > MAX_LENGTH) return null;
      // `<version>.<kid>.<payload>.<mac>`: exactly three dots.
      const a = text.indexOf('.');
      const b = text.indexOf('.', a + 1);
      const c = text.indexOf('.', b + 1);
      if (a !== version.length || b < 0 || c < 0 || text.indexOf('.', c + 1) >= 0 || !text.startsWith(version)) return null;
      const textKid = text.slice(a + 1, b);
      const k = keys.get(textKid);
      if (!k) return null;
      const payload = text.slice(b + 1, c);
      const given = text.slice(c + 1);
      const bytes = Buffer.from(payload, 'base64url');
      const sig = Buffer.from(given, 'base64url');
      if (bytes.length !== size || bytes.toString('base64url') !== payload || sig.length !== 32 || sig.toString('base64url') !== given) return null;
      return timingSafeEqual(sig, k(text.slice(0, c))) ? bytes : null;
    },
  };
}

export function createQueueSigner(secret: string, kid: string, previousKids: readonly string[] = []): QueueSigner {
  const tickets = scheme(secret, 'Q1', 'queue-ticket', kid, previousKids, TICKET_BYTES);
  const tokens = scheme(secret, 'A1', 'queue-access', kid, previousKids, ACCESS_BYTES);
  // No cache of verified tickets: one would cost hundreds of bytes a fan in line (issue 15) and
  // make a poll slower as the line outgrows it. Verifying is one HMAC and a decode, a few µs.
  return {
    kid,
    ticket: (claims) => tickets.sign(encodeTicket(claims)),
    verifyTicket(text) {
      const bytes = tickets.open(text);
      return bytes && decodeTicket(bytes);
    },
    access: (claims) => tokens.sign(encodeAccess(claims)),
    verifyAccess(text) {
      const bytes = tokens.open(text);
      return bytes && decodeAccess(bytes);
    },
  };
}
