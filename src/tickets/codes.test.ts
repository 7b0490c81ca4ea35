import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTicketSigner } from './codes.js';

const secret = 'unit-test-secret-0123456789abcdef0123456789';
const claims = { ticketId: '3f1c2a9e-8b7d-4c6e-9a1b-2c3d4e5f6a7b', performanceId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' };

test('ticket codes: a signed code verifies back to its claims and carries the key id', () => {
  const signer = createTicketSigner(secret, 'k1');
  const code = signer.sign(claims);
  assert.match(code, /^T1\.k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  assert.deepEqual(signer.verify(code), claims);
  assert.ok(code.length < 140, 'short enough for a small QR code');
});

test('ticket codes: after rotating keys, old codes still verify when the old key id is kept', () => {
  const old = createTicketSigner(secret, 'k1').sign(claims);
  assert.equal(createTicketSigner(secret, 'k2').verify(old), null, 'dropped key no longer verifies');
  const rotated = createTicketSigner(secret, 'k2', ['k1']);
  assert.deepEqual(rotated.verify(old), claims);
  assert.match(rotated.sign(claims), /^T1\.k2\./);
});

test("ticket codes: changing any part of a code, or another deployment's key, fails verification", () => {
  const signer = createTicketSigner(secret, 'k1');
  const code = signer.sign(claims);
  for (let i = 0; i < code.length; i += 7) {
    const c = code[i] === 'x' ? 'y' : 'x';
    const altered = code.slice(0, i) + c + code.slice(i + 1);
    if (altered !== code) assert.equal(signer.verify(altered), null, `changed at ${i}`);
  }
  assert.equal(createTicketSigner(`${secret}!`, 'k1').verify(code), null);
});
