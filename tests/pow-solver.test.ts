/**
 * The queue page's proof-of-work solver (web/src/queue/pow.ts), checked against node:crypto so a
 * mistake in the browser's hashing or bit counting cannot agree with itself. It lives here rather
 * than beside its code because the test runner only looks in src/ and tests/.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { leadingZeroBits, progress, solve } from '../web/src/queue/pow.js';

const zeroBits = (text: string) => leadingZeroBits(createHash('sha256').update(text, 'utf8').digest());

test('pow: leading zero bits are counted across byte boundaries', () => {
  assert.equal(leadingZeroBits(Uint8Array.from([0x80, 0])), 0);
  assert.equal(leadingZeroBits(Uint8Array.from([0x01, 0xff])), 7);
  assert.equal(leadingZeroBits(Uint8Array.from([0, 0x40])), 9);
  assert.equal(leadingZeroBits(Uint8Array.from([0, 0, 0x0f])), 20);
  assert.equal(leadingZeroBits(new Uint8Array(32)), 256);
});

test('pow: the solution is the first nonce whose SHA-256 has the difficulty in leading zero bits', () => {
  // Short, multi-byte UTF-8, and long enough that the prefix fills one or more whole blocks.
  for (const challenge of ['c1.AbC_-9xYz', 'función-ñ-€', 'k'.repeat(63), 'long-'.repeat(30)]) {
    const nonce = solve(challenge, 10);
    assert.match(nonce, /^(0|[1-9]\d*)$/, 'a decimal string');
    assert.ok(zeroBits(`${challenge}.${nonce}`) >= 10, `${challenge}.${nonce} checked by node:crypto`);
    for (let earlier = 0; earlier < Number(nonce); earlier++) assert.ok(zeroBits(`${challenge}.${earlier}`) < 10, `nonce ${earlier} would have done`);
  }
});

test('pow: a 16-bit challenge is solved, with progress reported after every batch', () => {
  const reports: number[] = [];
  const nonce = solve('shield-test-challenge', 16, (tried) => reports.push(tried), 1000);
  assert.ok(zeroBits(`shield-test-challenge.${nonce}`) >= 16);
  assert.deepEqual(
    reports,
    Array.from({ length: Math.floor(Number(nonce) / 1000) }, (_, i) => (i + 1) * 1000),
  );
});

test('pow: progress moves from 0 towards 1 with the share of work expected for the difficulty', () => {
  assert.equal(progress(0, 16), 0);
  assert.ok(Math.abs(progress(2 ** 16, 16) - (1 - Math.exp(-1))) < 1e-12);
  assert.ok(progress(2 ** 20, 16) < 1);
  assert.ok(progress(1000, 16) < progress(2000, 16));
});
