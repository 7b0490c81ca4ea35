import assert from 'node:assert/strict';
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createQueueSigner, hmacSha256 } from './queue-tokens.js';

const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
const claims = {
  performanceId: '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
  ticketId: '00112233445566778899aabbccddeeff',
  place: 1234,
  joinedAt: 1_760_000_000_123,
  pre: false,
};

test('queue tickets: a signed ticket verifies to exactly its claims', () => {
  const signer = createQueueSigner(SECRET, 'q1');
  const ticket = signer.ticket(claims);
  assert.match(ticket, /^Q1\.q1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(signer.verifyTicket(ticket), claims);
  const pre = { ...claims, place: 0, pre: true };
  assert.deepEqual(signer.verifyTicket(signer.ticket(pre)), pre);
  const access = { performanceId: claims.performanceId, ticketId: claims.ticketId, place: 7, expiresAt: 1_760_000_120_000 };
  assert.deepEqual(signer.verifyAccess(signer.access(access)), access);
});

test('queue tickets: every altered character, a forged MAC and a raised place are refused', () => {
  const signer = createQueueSigner(SECRET, 'q1');
  const ticket = signer.ticket(claims);
  for (let i = 0; i < ticket.length; i++) {
    const swapped = ticket[i] === 'A' ? 'B' : 'A';
    const altered = ticket.slice(0, i) + swapped + ticket.slice(i + 1);
    assert.equal(signer.verifyTicket(altered), null, `character ${i} changed`);
  }
  // Moving to the front of the line: a new payload with place 1 and the old MAC.
  const [version, kid, payload, mac] = ticket.split('.') as [string, string, string, string];
  const bytes = Buffer.from(payload, 'base64url');
  bytes.writeUIntBE(1, 32, 6);
  assert.equal(signer.verifyTicket(`${version}.${kid}.${bytes.toString('base64url')}.${mac}`), null);
  // A MAC made with a key guessed from the wrong secret.
  const wrongKey = Buffer.from(hkdfSync('sha256', 'another-secret-0123456789abcdef0123456', 'taquilla', 'queue-ticket:q1', 32));
  const signed = `${version}.${kid}.${bytes.toString('base64url')}`;
  assert.equal(signer.verifyTicket(`${signed}.${createHmac('sha256', wrongKey).update(signed).digest('base64url')}`), null);
  assert.equal(createQueueSigner('another-secret-0123456789abcdef0123456', 'q1').verifyTicket(ticket), null);
  for (const junk of [undefined, '', 'Q1', `${ticket}.x`, `${ticket}=`, ticket.replace('Q1.', 'Q2.'), 'x'.repeat(500)]) {
    assert.equal(signer.verifyTicket(junk), null, String(junk).slice(0, 20));
  }
});

test('queue tickets: a ticket is not an access token, nor the other way round', () => {
  const signer = createQueueSigner(SECRET, 'q1');
  const ticket = signer.ticket(claims);
  const token = signer.access({ performanceId: claims.performanceId, ticketId: claims.ticketId, place: 3, expiresAt: Date.now() + 60_000 });
  assert.equal(signer.verifyAccess(ticket), null);
  assert.equal(signer.verifyAccess(ticket.replace('Q1.', 'A1.')), null);
  assert.equal(signer.verifyTicket(token), null);
  assert.equal(signer.verifyTicket(token.replace('A1.', 'Q1.')), null);
});

test('queue tickets: after a key rotation old tickets still verify while their key id is listed', () => {
  const old = createQueueSigner(SECRET, 'q1').ticket(claims);
  const rotated = createQueueSigner(SECRET, 'q2', ['q1']);
  assert.deepEqual(rotated.verifyTicket(old), claims);
  assert.match(rotated.ticket(claims), /^Q1\.q2\./);
  assert.equal(createQueueSigner(SECRET, 'q2').verifyTicket(old), null, 'a retired key id no longer verifies');
});

test('queue tickets: the HMAC from two hashes gives the bytes createHmac gives, for any key up to 64 bytes and any message', () => {
  for (let i = 0; i < 300; i++) {
    const k = randomBytes(i % 65);
    const message = i % 3 === 0 ? `Q1.k${i}.${randomBytes(i % 200).toString('base64url')}` : `ñ€${randomBytes(i % 150).toString('latin1')}`.slice(0, 200);
    const mac = hmacSha256(k);
    assert.deepEqual(mac(message), createHmac('sha256', k).update(message).digest(), `key of ${k.length} bytes, message of ${message.length} characters`);
    assert.deepEqual(mac(message), createHmac('sha256', k).update(message).digest(), 'the same again (the scratch buffers are reused)');
  }
});

test('queue tickets: the HMAC refuses a message it could only hash cut short', () => {
  const mac = hmacSha256(randomBytes(32));
  assert.throws(() => mac('€'.repeat(250)), /too long/);
  assert.equal(mac('€'.repeat(200)).length, 32);
});
