import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.js';
import { claimQueued } from '../../src/notifications/outbox.repository.js';
import { enqueueOrderConfirmation } from '../../src/notifications/outbox.service.js';
import type { Db } from '../../src/platform/transaction.js';
import { runStep, type StepProgress } from '../../src/security/incident-response.js';
import { renderIncidentNotice } from '../../src/security/incident-notice.js';
import { claimAndQueueNotices, withAccounts } from '../../src/security/incident-response.repository.js';
import { completeScope, createScope, type ScopeCriteria } from '../../src/security/incident-scopes.js';
import { scopePeople } from '../../src/security/incident-scopes.repository.js';
import { createIncident } from '../../src/security/incidents.repository.js';
import { preparedPlans } from './explain.js';
import { StatementTimer } from './plugins.js';
import type { CaseResult } from './report.js';

export interface NotifyResult {
  scopeLabel: string;
  people: number;
  queued: number;
  seconds: number;
  /** Seconds from the start when the run had handled each 10,000 people. */
  progress: { done: number; seconds: number }[];
  /** Seconds in each kind of statement (plugins.ts labels), the biggest first. */
  statements: [string, number][];
  /** Plans the pool's connections hold for the step's statements that read incident_step_people. */
  prepared: { statement: string; generic: number; custom: number }[];
  outboxRows: number;
  /** The reference: the step's own statements for each page without its pre-check, on a fresh incident. */
  reference: { queued: number; seconds: number };
  claimMs: number;
  firstClaimed: string[];
  confirmationFirst: boolean;
}

/**
 * Runs the real notify step (runStep in src/security/incident-response.ts, pages of 1,000) on a
 * scope of at least 100,000 people, a fresh incident's, then the reference (below) on another
 * fresh incident, and checks that an order confirmation queued after the notices is still the
 * first message the sender claims. Bounded: each is stopped after `capSeconds` (the step by its
 * AbortSignal, between two pages).
 */
export async function measureNotify(db: Db, results: CaseResult[], capSeconds: number): Promise<NotifyResult | string> {
  const big = results.filter((r) => r.runs[0]!.people >= 100_000).sort((a, b) => a.runs[0]!.people - b.runs[0]!.people)[0];
  if (!big) return 'no scope of 100,000 people or more: notify not measured';
  const scope = await freshScope(db, big.criteria);
  const incidentId = scope.incidentId;
  const dataDir = mkdtempSync(join(tmpdir(), 'taquilla-incident-bench-'));
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      TAQUILLA_DATA_DIR: dataDir,
      TAQUILLA_SECRET: 'bench-secret-0123456789abcdef0123456789abcdef',
      TAQUILLA_ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef0123456789',
      DATABASE_URL: 'postgres://unused',
      ALERT_EMAILS: 'privacy@taquilla.example',
    });
    const count = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM outbox WHERE kind = 'incident_notice'`.execute(db)).rows[0]!.n);
    const before = await count();
    const timer = new StatementTimer();
    const progress: NotifyResult['progress'] = [];
    const stop = new AbortController();
    const cap = setTimeout(() => stop.abort(), capSeconds * 1000);
    const started = performance.now();
    const onProgress = (p: StepProgress) => {
      if (Math.floor(p.done / 10_000) > progress.length) progress.push({ done: p.done, seconds: (performance.now() - started) / 1000 });
    };
    const step = { incidentId, scopeId: scope.id, step: 'notify' as const, actor: 'bench' };
    await runStep({ db: db.withPlugin(timer), config, onProgress, signal: stop.signal }, step).catch((e: Error) =>
      console.error(`notify stopped: ${e.message}`),
    );
    clearTimeout(cap);
    const seconds = (performance.now() - started) / 1000;
    const statements = Object.entries(timer.ms)
      .map(([k, v]) => [k, v / 1000] as [string, number])
      .sort((a, b) => b[1] - a[1]);
    const prepared = await preparedPlans(db, '%from "incident_step_people"%', (s) => s.slice(0, 160));
    const queued = (await count()) - before;
    const outboxRows = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM outbox`.execute(db)).rows[0]!.n);
    const reference = await queueWithoutPrecheck(db, big.criteria, capSeconds);
    return { scopeLabel: big.label, people: scope.people, queued, seconds, progress, statements, prepared, outboxRows, reference, ...(await priority(db)) };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A fresh incident with one scope of these criteria, its list written (the step would wait for it). */
async function freshScope(db: Db, criteria: ScopeCriteria) {
  const incidentId = await createIncident(db, {
    category: 'script_compromise',
    title: 'Bench: notify',
    severity: 'critical',
    awareAt: new Date(),
    openedBy: 'bench',
    owner: null,
  });
  const scope = await createScope(db, { incidentId, criteria, actor: 'bench' });
  await completeScope(db, scope.id);
  return { ...scope, incidentId };
}

/**
 * The reference: what notify does per page (a page of people, which of them have accounts, each
 * notice rendered, then claimAndQueueNotices in one transaction), without its pre-check of who is
 * recorded already. The claim's ON CONFLICT DO NOTHING is the guard either way.
 */
async function queueWithoutPrecheck(db: Db, criteria: ScopeCriteria, capSeconds: number): Promise<{ queued: number; seconds: number }> {
  const scope = await freshScope(db, criteria);
  const started = performance.now();
  let queued = 0;
  for (let after = ''; (performance.now() - started) / 1000 < capSeconds; ) {
    const page = await scopePeople(db, scope.id, after, 1000);
    if (!page.length) break;
    const accounts = await withAccounts(
      db,
      page.map((p) => p.email),
    );
    const notices = page.map((p) => {
      const n = renderIncidentNotice({
        name: p.name,
        locale: p.locale,
        category: 'script_compromise',
        firstAt: p.first_at,
        lastAt: p.last_at,
        timeline: [],
        hasAccount: accounts.has(p.email),
        contact: 'privacy@taquilla.example',
      });
      return { email: p.email, locale: n.locale, subject: n.subject, text: n.text, html: n.html };
    });
    queued += await db.transaction().execute((tx) => claimAndQueueNotices(tx, scope.incidentId, notices));
    after = page[page.length - 1]!.email;
  }
  return { queued, seconds: (performance.now() - started) / 1000 };
}

async function priority(db: Db): Promise<Pick<NotifyResult, 'claimMs' | 'firstClaimed' | 'confirmationFirst'>> {
  // A fan pays after the notices were queued: the sender must still take the confirmation first.
  const order = await sql<{ id: string; buyer_name: string; buyer_email: string; locale: string }>`
    SELECT id, buyer_name, buyer_email, locale FROM orders WHERE status = 'paid' ORDER BY created_at DESC LIMIT 1`.execute(db);
  const o = order.rows[0]!;
  const confirmationId = await enqueueOrderConfirmation(db, {
    orderId: o.id,
    buyerName: o.buyer_name,
    buyerEmail: o.buyer_email,
    locale: o.locale,
    eventTitle: 'Bench Night',
    venueName: 'Sala Mar Adentro',
    startsAt: new Date(),
    tickets: [{ id: o.id, label: 'Pista', categoryName: 'Pista', price: 4500, currency: 'EUR' }],
    total: 4500,
    currency: 'EUR',
    orderUrl: 'https://taquilla.example/orders/x',
  });
  let claimMs = 0;
  // The claim's locks end with its transaction; nothing is marked sent, so the outbox stays as it was.
  const claimed = await db.transaction().execute(async (tx) => {
    const t = performance.now();
    const messages = await claimQueued(tx, 20);
    claimMs = performance.now() - t;
    return messages;
  });
  // Every confirmation must come before any notice.
  const firstNotice = claimed.findIndex((m) => m.kind === 'incident_notice');
  const mine = claimed.findIndex((m) => m.id === confirmationId);
  return {
    claimMs,
    firstClaimed: claimed.slice(0, 3).map((m) => `${m.kind} (priority ${m.priority})`),
    confirmationFirst: mine >= 0 && (firstNotice < 0 || mine < firstNotice),
  };
}
