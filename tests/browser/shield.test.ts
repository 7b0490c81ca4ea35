import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { addIncidentEvent, openIncident } from '../../src/security/incidents.repository.js';
import { INCIDENT_KIND } from '../../src/shield/shield.js';
import { leadingZeroBits } from '../../web/src/queue/pow.js';
import { admin } from '../helpers/app.js';
import { createShow } from '../helpers/fixtures.js';
import { signIn } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();
/** Low enough that the test does not wait on the hashing; the solver itself is tested in tests/pow-solver.test.ts. */
const POW_BITS = 12;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

describe('browser shield', { skip }, () => {
  let server: LiveServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startServer({ SHIELD_ENABLED: 'true', SHIELD_POW_BITS: String(POW_BITS) }), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const setMode = async (mode: 'on' | 'off' | 'auto') => {
    const res = await server.t.app.inject({ method: 'PUT', url: '/api/admin/shield', headers: admin, payload: { mode } });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const shieldView = async () => (await server.t.app.inject({ url: '/api/admin/shield', headers: admin })).json();

  /** A performance whose waiting room is open (its on-sale time has passed). */
  async function showWithRoom(): Promise<string> {
    const show = await createShow(server.t.app, { rows: 2, perRow: 10 });
    await server.t.ctx.db
      .updateTable('performances')
      .set({ on_sale_at: new Date(Date.now() - 60_000) })
      .where('id', '=', show.performanceId)
      .execute();
    const room = await server.t.app.inject({ url: `/api/admin/performances/${show.performanceId}/queue`, headers: admin });
    assert.equal(room.statusCode, 200, room.body);
    await server.t.ctx.waitingRoom.tick();
    return show.performanceId;
  }

  test('browser: in shield mode the queue page waits out a 503, solves the challenge in a worker and gets the fan in line', { timeout: 45_000 }, async () => {
    const performanceId = await showWithRoom();
    const forced = await setMode('on');
    assert.equal(forced.mode, 'on');
    const bare = await server.t.app.inject({
      method: 'POST',
      url: `/api/performances/${performanceId}/queue`,
      headers: { 'x-queue-key': 'no-proof-0123456789' },
    });
    assert.equal(bare.statusCode, 401, bare.body);
    assert.equal(bare.json().error.code, 'challenge_required');

    await withPage(browser, async ({ page, problems }) => {
      const joinPath = `/api/performances/${performanceId}/queue`;
      const joins: { status: number; solution: string | undefined }[] = [];
      const challenges: Promise<{ challenge: string; difficulty: number }>[] = [];
      const assets: Promise<{ path: string; gzip: number }>[] = [];
      page.on('response', (response) => {
        const url = new URL(response.url());
        const request = response.request();
        if (url.pathname === joinPath && request.method() === 'POST')
          joins.push({ status: response.status(), solution: request.headers()['x-shield-solution'] });
        if (url.pathname === '/api/shield/challenge') challenges.push(response.json());
        // A worker script's body is not always kept by the browser: then it is fetched again.
        const body = () => response.body().catch(async () => Buffer.from(await (await fetch(response.url())).arrayBuffer()));
        if (/\.(js|css)$/.test(url.pathname)) assets.push(body().then((bytes) => ({ path: url.pathname, gzip: gzipSync(bytes).length })));
      });
      // The first join meets a shedding server: the page must wait as long as it is told. Both
      // times are taken here, in the route handler: the 503 is handed over at shedAt or later and
      // the next join reaches the handler when it was sent or later, so a page that waits out
      // Retry-After always shows at least that gap (times from 'response' events arrive late by
      // varying amounts and can show less).
      let shedAt: number | undefined;
      let askedAgainAt: number | undefined;
      await page.route(`**${joinPath}`, (route) => {
        if (shedAt !== undefined) {
          askedAgainAt ??= Date.now();
          return route.fallback();
        }
        shedAt = Date.now();
        return route.fulfill({
          status: 503,
          headers: { 'retry-after': '2', 'content-type': 'application/json' },
          body: JSON.stringify({ error: { code: 'overloaded', message: 'The box office is very busy; try again shortly' } }),
        });
      });
      const worker = page.waitForEvent('worker');
      // The worker's file is fetched with the build's sha384, then run from that checked copy.
      const workerFile = page.waitForRequest((request) => /\/assets\/pow\.worker-[\w-]+\.js$/.test(request.url()));

      await page.goto(`${server.baseUrl}/queue/${performanceId}`);
      const busy = page.getByTestId('queue-busy');
      await busy.waitFor();
      assert.match((await busy.textContent()) ?? '', /^Many people are arriving; trying again in \d seconds?\.$/);
      await page.locator('[data-testid=queue-state][data-state=waiting]').waitFor({ timeout: 20_000 });
      assert.equal(await busy.isHidden(), true, 'the countdown is gone once through');
      await workerFile;
      assert.match((await worker).url(), /^blob:/, 'the challenge was solved in a worker started from the checked bytes');

      assert.deepEqual(
        joins.map((j) => j.status),
        [503, 401, 201],
        'shed, refused without a proof, let in with one',
      );
      assert.ok(askedAgainAt! - shedAt! >= 2000, `asked again ${askedAgainAt! - shedAt!} ms after Retry-After: 2`);
      assert.equal(joins[1]!.solution, undefined);
      const solution = joins[2]!.solution!;
      const { challenge, difficulty } = await challenges[0]!;
      assert.ok(difficulty >= POW_BITS, `difficulty ${difficulty}`);
      assert.match(solution, new RegExp(`^${challenge.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d+$`));
      assert.ok(leadingZeroBits(createHash('sha256').update(solution).digest()) >= difficulty, `${solution} has ${difficulty} leading zero bits`);

      // The page's own weight, and the worker it loads only when challenged.
      await page.waitForLoadState('networkidle');
      const files = await Promise.all(assets);
      const gzip = (which: (path: string) => boolean) => files.filter((f) => which(f.path)).reduce((sum, f) => sum + f.gzip, 0);
      const workerBytes = gzip((path) => path.includes('/pow.worker-'));
      const total = gzip(() => true);
      assert.ok(workerBytes > 0, `the worker's script is among ${files.map((f) => f.path).join(', ')}`);
      console.log(
        `# metric queue page JS+CSS: ${kb(total - workerBytes)} gzip, ${kb(total)} with the proof-of-work worker (${files.map((f) => f.path).join(', ')})`,
      );
      assert.ok(total < 15 * 1024, `the queue page and its worker stay under 15 KB gzipped (${kb(total)})`);
      assert.deepEqual(problems, []);
    });
  });

  test('browser: three refused proofs in a row stop with a message and a button to try again', { timeout: 30_000 }, async () => {
    const performanceId = await showWithRoom();
    await withPage(browser, async ({ page, problems }) => {
      let joins = 0;
      let challenges = 0;
      page.on('request', (request) => {
        if (request.url().endsWith('/api/shield/challenge')) challenges++;
      });
      // A server that never accepts the answer (a clock far off, say): the page must not loop.
      await page.route(`**/api/performances/${performanceId}/queue`, (route) => {
        joins++;
        return route.fulfill({
          status: 401,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'challenge_required', message: 'Solve the challenge' } }),
        });
      });
      await page.goto(`${server.baseUrl}/queue/${performanceId}`);
      const rejoin = page.locator('#q-rejoin');
      await rejoin.waitFor();
      assert.match((await page.locator('#q-why').textContent()) ?? '', /could not check your browser/);
      assert.equal(joins, 4, 'the first join and one per solved challenge');
      assert.equal(challenges, 3);
      await page.waitForTimeout(1500);
      assert.equal(joins, 4, 'nothing more until the fan asks');
      assert.deepEqual(problems, []);
    });
  });

  test('browser: the console shows shield mode live, its buttons set it, and incidents open to their timeline', { timeout: 30_000 }, async () => {
    // Signed in first, with the shield off: while it is on, signing in takes a proof of work (the login class).
    await setMode('off');
    await withPage(browser, async ({ page, problems }) => {
      await signIn(page, server);
      await setMode('on');
      const incident = await openIncident(server.t.ctx.db, INCIDENT_KIND, 'Possible flood: 5,000 requests/s from 3 networks');
      await addIncidentEvent(server.t.ctx.db, incident.id, 'detected', { rule: 'rate', reason: '5,000 requests/s', traffic: { requestsPerSecond: 5000 } });
      await addIncidentEvent(server.t.ctx.db, incident.id, 'shield_on', {});
      await page.getByTestId('nav-shield').click();
      await page.waitForURL(/\/console\/shield$/);
      await page.locator('[data-testid=shield-mode][data-mode=on][data-forced=true]').waitFor();
      assert.equal(await page.getByTestId('shield-set-on').getAttribute('aria-pressed'), 'true');
      assert.match((await page.getByTestId('shield-difficulty').textContent()) ?? '', new RegExp(`^${POW_BITS} bits`));
      await page.getByTestId('shield-rps').waitFor();

      await page.getByTestId('shield-set-off').click();
      await page.locator('[data-testid=shield-mode][data-mode=off][data-forced=true]').waitFor();
      assert.equal(await page.getByTestId('shield-set-off').getAttribute('aria-pressed'), 'true');
      assert.equal(await page.getByTestId('shield-set-on').getAttribute('aria-pressed'), 'false');
      assert.deepEqual([(await shieldView()).mode, (await shieldView()).forced], ['off', true]);

      await page.getByTestId('shield-set-auto').click();
      await page.locator('[data-testid=shield-mode][data-forced=false]').waitFor();
      assert.equal(await page.getByTestId('shield-set-auto').getAttribute('aria-pressed'), 'true');
      assert.equal((await shieldView()).forced, false);

      // The open incident, opened from the keyboard; the operator's two changes are on its timeline.
      const row = page.locator('[data-testid=incident][data-status=open]');
      await row.waitFor();
      await row.getByTestId('incident-toggle').focus();
      await page.keyboard.press('Enter');
      assert.equal(await row.getByTestId('incident-toggle').getAttribute('aria-expanded'), 'true');
      const steps = row.locator('[data-testid=incident-step]');
      await steps.nth(3).waitFor();
      assert.deepEqual(await steps.evaluateAll((els) => els.map((el) => el.getAttribute('data-what'))), [
        'detected',
        'shield_on',
        'operator_set_mode',
        'operator_set_mode',
      ]);
      assert.deepEqual(problems, []);
    });
  });
});
