import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { roomShow } from '../waiting-room/waiting-room.fixtures.js';
import { createChallenges, leadingZeroBits, memorySpentStore } from './challenge.js';
import { SHIELD_ON, solution, solve } from './shield.fixtures.js';

describe('proof-of-work challenges', () => {
  const challenges = createChallenges('test-secret-0123456789abcdef0123456789abcdef', memorySpentStore());

  test('leading zero bits are counted across bytes', () => {
    assert.equal(leadingZeroBits(Uint8Array.from([0x00, 0x00, 0x01])), 23);
    assert.equal(leadingZeroBits(Uint8Array.from([0x80])), 0);
    assert.equal(leadingZeroBits(Uint8Array.from([0x0f, 0xff])), 4);
  });

  test('a solution verifies once; reused, altered, forged, wrong and expired ones are refused', async () => {
    const now = Date.now();
    const { challenge, difficulty } = challenges.issue(10, now);
    const good = solve(challenge, difficulty);
    assert.equal(await challenges.verify(good, now), 'ok');
    assert.equal(await challenges.verify(good, now), 'reused');

    const fresh = challenges.issue(10, now).challenge;
    const solved = solve(fresh, 10);
    // A lower difficulty written into the challenge breaks its signature.
    assert.equal(await challenges.verify(solved.replace('.10.', '.1.'), now), 'forged');
    const other = createChallenges('another-secret-0123456789abcdef0123456789', memorySpentStore());
    assert.equal(await other.verify(solved, now), 'forged');
    // A nonce that does not reach the difficulty.
    let wrong = 0;
    while (leadingZeroBits(createHash('sha256').update(`${fresh}.${wrong}`).digest()) >= 10) wrong++;
    assert.equal(await challenges.verify(`${fresh}.${wrong}`, now), 'wrong');
    assert.equal(await challenges.verify(solved, now + 121_000), 'expired');
    assert.equal(await challenges.verify('c1.x.y', now), 'malformed');
    assert.equal(await challenges.verify(undefined, now), 'missing');
    // Still unspent after all the refusals above.
    assert.equal(await challenges.verify(solved, now), 'ok');
  });
});

describe('queue joins in shield mode', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp(SHIELD_ON);
  });
  after(async () => {
    await t.close();
  });

  test('need a fresh solved challenge while shield mode is on, and nothing while it is off', async () => {
    const show = await roomShow(t);
    const url = `/api/performances/${show.performanceId}/queue`;
    const join = (key: string, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'POST', url, remoteAddress: '198.51.100.7', headers: { 'x-queue-key': key, ...headers } });

    assert.equal((await join('fan-aaaa')).statusCode, 201, 'shield mode off: no challenge');

    const on = await t.app.inject({ method: 'PUT', url: '/api/admin/shield', headers: admin, payload: { mode: 'on' } });
    assert.equal(on.statusCode, 200, on.body);
    assert.equal(on.json().mode, 'on');
    assert.equal(on.json().forced, true);

    const bare = await join('fan-bbbb');
    assert.equal(bare.statusCode, 401);
    assert.equal(bare.json().error.code, 'challenge_required');

    const solved = await solution(t.app);
    const joined = await join('fan-bbbb', { 'x-shield-solution': solved });
    assert.equal(joined.statusCode, 201, joined.body);

    const replayed = await join('fan-cccc', { 'x-shield-solution': solved });
    assert.equal(replayed.statusCode, 401, 'a solution works once');
    assert.equal(replayed.json().error.code, 'challenge_required');

    const challenge = (await t.app.inject({ url: '/api/shield/challenge' })).json();
    const [head] = solve(challenge.challenge, challenge.difficulty).split(/\.(?=\d+$)/);
    const unsolved = await join('fan-cccc', { 'x-shield-solution': `${head}.x` });
    assert.equal(unsolved.statusCode, 401);

    const auto = await t.app.inject({ method: 'PUT', url: '/api/admin/shield', headers: admin, payload: { mode: 'auto' } });
    assert.equal(auto.json().mode, 'off');
    assert.equal((await join('fan-dddd')).statusCode, 201, 'back to automatic with no attack: no challenge');

    const audit = (await t.app.inject({ url: '/api/admin/audit', headers: admin })).json();
    const actions = JSON.stringify(audit);
    assert.match(actions, /shield\.mode\.set/);

    const bad = await t.app.inject({ method: 'PUT', url: '/api/admin/shield', headers: admin, payload: { mode: 'maybe' } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /mode/);
  });
});
