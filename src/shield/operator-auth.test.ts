import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { AUTH_FAILED_ACTION, createAuthFailureAudit } from './auth-failures.js';
import { SHIELD_ON } from './shield.fixtures.js';

const tally = (codes: number[]) => Object.fromEntries([...new Set(codes)].map((c) => [c, codes.filter((x) => x === c).length]));

async function failures(t: TestApp, address?: string) {
  let q = t.database.db.selectFrom('audit_log').select(['actor', 'subject_id', 'data']).where('action', '=', AUTH_FAILED_ACTION);
  if (address) q = q.where('subject_id', '=', address);
  return (await q.orderBy('id').execute()) as { actor: string; subject_id: string; data: Record<string, any> }[];
}

describe('operator authentication', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp({ ...SHIELD_ON, SHIELD_CALM_SECONDS: '2', ALERT_EMAILS: 'ops@example.com' });
  });
  after(async () => {
    await t.close();
  });

  test('1,000 wrong admin tokens from one address are refused, audited and open an incident; the real token works from that address at once', async () => {
    const ip = '203.0.113.77';
    const codes: number[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          t.app.inject({ url: '/api/admin/shield', remoteAddress: ip, headers: { authorization: `Bearer guess-${batch}-${i}` } }),
        ),
      );
      codes.push(...answers.map((a) => a.statusCode));
    }
    assert.deepEqual(tally(codes), { 401: 30, 429: 970 }, 'the operator limit lets 30 wrong tokens a minute reach the guard');

    // The real token, from the same address, at once: past the limit and whatever it counted.
    for (let i = 0; i < 100; i++) {
      const res = await t.app.inject({ url: '/api/admin/shield', remoteAddress: ip, headers: admin });
      assert.equal(res.statusCode, 200, `request ${i} with the real token: ${res.body}`);
    }
    assert.equal((await t.app.inject({ url: '/console', remoteAddress: ip })).statusCode, 200, "the console's page is not blocked");
    const wrong = await t.app.inject({ url: '/api/admin/shield', remoteAddress: ip, headers: { authorization: 'Bearer still-guessing' } });
    assert.equal(wrong.statusCode, 429, 'while guessing stays refused');

    // Audited: one entry for the first failure at once, one for the rest of the window, actor anonymous.
    await t.ctx.shield.settled();
    const entries = await failures(t, ip);
    assert.ok(entries.length >= 2 && entries.length <= 3, `${entries.length} entries`);
    assert.equal(
      entries.reduce((n, e) => n + e.data.count, 0),
      1001,
      'the counts add up to every wrong token, the refused ones included',
    );
    assert.ok(entries.every((e) => e.actor === 'anonymous' && e.data.route === '/api/admin/shield' && e.data.address === ip));

    // Counted by attack detection: an incident of its own, with an alert; shield mode stays off.
    const start = Date.now();
    t.ctx.shield.tick(start);
    t.ctx.shield.tick(start + 1000);
    await t.ctx.shield.settled();
    assert.equal(t.ctx.shield.mode(), 'off', 'guessing does not put the fans through proof of work');
    const view = (await t.app.inject({ url: '/api/admin/shield', headers: admin })).json();
    assert.equal(view.adminAuthFailuresLastMinute, 1001);
    let { incidents } = (await t.app.inject({ url: '/api/admin/incidents', headers: admin })).json();
    const incident = incidents.find((i: { kind: string }) => i.kind === 'admin_token_guessing');
    assert.ok(incident, JSON.stringify(incidents));
    assert.equal(incident.status, 'open');
    assert.match(incident.summary, /1001 admin credentials refused in the last minute from 1 address/);
    assert.deepEqual(
      incident.timeline.map((e: { what: string }) => e.what),
      ['detected'],
    );
    const alerted = Date.now();
    let emails: { subject: string }[] = [];
    while (!emails.length && Date.now() - alerted < 5000) {
      await new Promise((r) => setTimeout(r, 50));
      emails = await t.database.db.selectFrom('outbox').select('subject').where('kind', '=', 'incident_alert').execute();
    }
    assert.deepEqual(
      emails.map((e) => e.subject),
      ['[Taquilla] admin token guessing: detected'],
    );

    // A minute and the calm period later, it is over.
    for (let s = 2; s <= 64; s++) t.ctx.shield.tick(start + s * 1000);
    await t.ctx.shield.settled();
    ({ incidents } = (await t.app.inject({ url: '/api/admin/incidents', headers: admin })).json());
    const closed = incidents.find((i: { id: string }) => i.id === incident.id);
    assert.equal(closed.status, 'resolved');
    assert.deepEqual(
      closed.timeline.map((e: { what: string }) => e.what),
      ['detected', 'back_to_normal'],
    );
  });

  test("a blocked address is refused everything on the console's API but a valid admin token", async () => {
    const ip = '203.0.113.88';
    for (let i = 0; i < 200; i++) await t.app.inject({ url: '/api/events', remoteAddress: ip });
    assert.ok(t.ctx.shield.limits.blockedFor(ip, Date.now()) > 0, 'blocked for flooding');
    const blocked = await t.app.inject({ url: '/api/admin/shield', remoteAddress: ip });
    assert.deepEqual([blocked.statusCode, blocked.json().error.code], [429, 'rate_limited'], 'no credential: refused');
    assert.equal((await t.app.inject({ url: '/api/admin/shield', remoteAddress: ip, headers: { authorization: 'Bearer nope' } })).statusCode, 429);
    const ok = await t.app.inject({ method: 'PUT', url: '/api/admin/shield', remoteAddress: ip, headers: admin, payload: { mode: 'auto' } });
    assert.equal(ok.statusCode, 200, ok.body);
  });

  test('failed admin authentication is audited with the shield off too, and stays bounded under a flood of addresses', async () => {
    const off = await testApp();
    try {
      const guessed = await off.app.inject({ url: '/api/admin/incidents', remoteAddress: '198.51.100.9', headers: { authorization: 'Bearer nope' } });
      assert.equal(guessed.statusCode, 401);
      const none = await off.app.inject({ url: '/api/admin/incidents', remoteAddress: '198.51.100.10' });
      assert.equal(none.statusCode, 401);
      await off.ctx.shield.settled();
      const entries = await failures(off);
      assert.deepEqual(
        entries.map((e) => [e.subject_id, e.data.route, e.data.count]),
        [['198.51.100.9', '/api/admin/incidents', 1]],
        'a request without any credential is refused, not audited as a guess',
      );
    } finally {
      await off.close();
    }

    // 5,000 failures from 1,500 addresses in one window: at most two entries per address for the
    // first thousand addresses, and one more for all the others.
    const log: string[] = [];
    const audit = createAuthFailureAudit({ db: t.database.db, log: (m) => log.push(m) });
    for (let i = 0; i < 5000; i++) audit.record(`10.77.${Math.floor((i % 1500) / 250)}.${i % 250}`, '/api/admin/events');
    await audit.flush();
    const entries = (await failures(t)).filter((e) => e.subject_id.startsWith('10.77.') || e.subject_id === '*');
    assert.ok(entries.length <= 2001, `${entries.length} entries`);
    assert.equal(
      entries.reduce((n, e) => n + e.data.count, 0),
      5000,
    );
    const others = entries.find((e) => e.subject_id === '*');
    assert.equal(others?.data.addresses, 500);
    assert.deepEqual(log, []);
  });
});
