import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { createDetector, type Finding } from './detector.js';
import { SHIELD_ON } from './shield.fixtures.js';

describe('attack detection', () => {
  test('learns a baseline, calls a surge, a refusal flood and a wave of new networks', () => {
    const d = createDetector({ attackRps: 100, refusalRate: 50, newNetworks: 40 });
    // A calm minute: 20 requests a second from ten networks.
    for (let s = 0; s < 60; s++) {
      for (let i = 0; i < 20; i++) d.count(`10.0.${i % 10}.0/24`);
      assert.deepEqual(d.tick(), []);
    }
    assert.ok(d.view().baselinePerSecond > 10);
    for (let s = 0; s < 3; s++) {
      for (let i = 0; i < 400; i++) d.count(`10.0.${i % 10}.0/24`);
    }
    let finding: Finding | undefined;
    for (let s = 0; s < 3 && !finding; s++) {
      for (let i = 0; i < 400; i++) d.count(`10.0.${i % 10}.0/24`);
      finding = d.tick()[0];
    }
    assert.equal(finding?.rule, 'surge');

    const r = createDetector({ attackRps: 100_000, refusalRate: 50 });
    for (let s = 0; s < 3; s++) {
      for (let i = 0; i < 90; i++) {
        r.count('10.1.0.0/24');
        r.refused('rate_limited', `10.1.0.${i % 30}`);
      }
      finding = r.tick()[0];
    }
    assert.equal(finding?.rule, 'refusals');
    assert.equal(r.view().refusedPerSecond.rate_limited, 90);

    const n = createDetector({ attackRps: 100, newNetworks: 40 });
    for (let s = 0; s < 3; s++) {
      for (let i = 0; i < 60; i++) n.count(`172.16.${s * 60 + i}.0/24`);
      finding = n.tick()[0];
    }
    assert.equal(finding?.rule, 'new_networks');
    assert.equal(n.view().topPrefixes.length, 10);

    const one = createDetector({ attackRps: 100_000, refusalRate: 50 });
    for (let s = 0; s < 5; s++) {
      for (let i = 0; i < 200; i++) {
        one.count('10.2.0.0/24');
        one.refused('rate_limited', '10.2.0.1');
      }
      finding = one.tick()[0];
    }
    assert.equal(finding, undefined, "one noisy address is the limits' business, not an incident");
  });

  test('calls twenty refused admin credentials within a minute a guessing attack, even from one address and slowly', () => {
    const d = createDetector({ attackRps: 100, authFailures: 20 });
    let findings: Finding[] = [];
    // One wrong token every three seconds: 19 in the minute are not enough, the 20th is.
    for (let s = 0; s < 57; s++) {
      d.count('10.3.0.0/24');
      if (s % 3 === 0) d.authFailed('10.3.0.7');
      findings = d.tick();
      assert.deepEqual(findings, [], `second ${s}`);
    }
    d.authFailed('10.3.0.7');
    findings = d.tick();
    assert.deepEqual(
      findings.map((f) => [f.kind, f.rule, f.reason]),
      [['admin_token_guessing', 'auth_failures', '20 admin credentials refused in the last minute from 1 address']],
    );
    assert.equal(d.view().adminAuthFailuresLastMinute, 20);
    // A minute later, with no more wrong tokens, it has passed.
    for (let s = 0; s < 60; s++) findings = d.tick();
    assert.deepEqual(findings, []);
  });

  describe('over HTTP, in real time', () => {
    const PER_ADDRESS = 2;
    const ADDRESSES = 300; // 198.18.{0,1,2}.{1..100}
    let t: TestApp;
    let hooks: Server;
    const received: any[] = [];
    before(async () => {
      hooks = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => {
          body += c;
        });
        req.on('end', () => {
          received.push(JSON.parse(body));
          res.end('ok');
        });
      });
      await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
      const port = (hooks.address() as { port: number }).port;
      t = await testApp(
        {
          ...SHIELD_ON,
          SHIELD_ATTACK_RPS: '300',
          SHIELD_CALM_SECONDS: '2',
          ALERT_WEBHOOK_URL: `http://127.0.0.1:${port}/alerts`,
          ALERT_EMAILS: 'ops@example.com',
        },
        20,
        { shield: { limits: { browse: { ip: { points: PER_ADDRESS, seconds: 60 }, prefix: { points: 1000, seconds: 60 } } } } },
      );
    });
    after(async () => {
      await t.close();
      hooks.close();
    });

    test('a flood from 300 addresses turns shield mode on within 10 s, records the incident, alerts, and ends after it', async () => {
      const running = t.ctx.shield.start();
      try {
        const started = Date.now();
        let engagedAt = 0;
        let pastLimitsAt = 0;
        let sent = 0;
        // The flood: browsing from 300 addresses in three /24s, as fast as inject goes, for up to
        // 10 s, and until every address has sent twice its limit. On a busy machine this flood,
        // run in the test's own process, is a real overload: the shedder may refuse the requests
        // within the limits, and detection may engage on those refusals before the limiter has
        // refused anything.
        while (Date.now() - started < 10_000) {
          await Promise.all(
            Array.from({ length: 100 }, () => {
              const i = sent++;
              return t.app.inject({ url: '/api/events', remoteAddress: `198.18.${i % 3}.${(i % 100) + 1}` });
            }),
          );
          // inject resolves without leaving the microtask queue: let the timers (the shield's tick) run.
          await new Promise((r) => setTimeout(r, 0));
          if (!engagedAt && t.ctx.shield.mode() === 'on') engagedAt = Date.now();
          if (!pastLimitsAt && sent >= 2 * ADDRESSES * PER_ADDRESS) pastLimitsAt = Date.now();
          // A second and a half of each, so that a closed second of the traffic view holds them.
          if (engagedAt && pastLimitsAt && Date.now() - Math.max(engagedAt, pastLimitsAt) > 1500) break;
        }
        assert.ok(engagedAt > 0, `shield mode on within 10 s of the flood (${sent} requests sent)`);
        console.log(`# metric shield engaged ${engagedAt - started} ms after the flood began (${sent} requests)`);

        const view = (await t.app.inject({ url: '/api/admin/shield', headers: admin })).json();
        assert.equal(view.mode, 'on');
        assert.equal(view.forced, false);
        assert.ok(view.reason, 'says why');
        assert.ok(view.requestsPerSecond > 0);
        assert.ok(view.refusedPerSecond.rate_limited > 0 || view.refusedPerSecond.blocked > 0, JSON.stringify(view.refusedPerSecond));
        assert.ok(
          view.topPrefixes.some((p: { prefix: string }) => p.prefix.startsWith('198.18.')),
          JSON.stringify(view.topPrefixes),
        );

        // Quiet: after the calm period the mode goes back off by itself.
        const calmFrom = Date.now();
        while (t.ctx.shield.mode() === 'on' && Date.now() - calmFrom < 15_000) await new Promise((r) => setTimeout(r, 200));
        assert.equal(t.ctx.shield.mode(), 'off', 'shield mode off again after the flood');
        await t.ctx.shield.settled();
        await new Promise((r) => setTimeout(r, 300)); // the webhook's POSTs
      } finally {
        await running.stop();
      }

      const { incidents } = (await t.app.inject({ url: '/api/admin/incidents', headers: admin })).json();
      assert.equal(incidents.length, 1);
      const [incident] = incidents;
      assert.equal(incident.kind, 'traffic_flood');
      assert.equal(incident.status, 'resolved');
      assert.deepEqual(
        incident.timeline.map((e: { what: string }) => e.what),
        ['detected', 'shield_on', 'back_to_normal'],
      );
      assert.deepEqual(
        received.map((a) => a.what),
        ['detected', 'back_to_normal'],
      );
      assert.equal(received[0].incidentId, incident.id);
      const emails = await t.database.db.selectFrom('outbox').select(['recipient', 'subject']).where('kind', '=', 'incident_alert').execute();
      assert.equal(emails.length, 2);
      assert.ok(emails.every((e) => e.recipient === 'ops@example.com'));
    });
  });
});
