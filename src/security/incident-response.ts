import type { Config } from '../config.js';
import { audit } from '../platform/audit.js';
import type { IncidentStep } from '../platform/database.types.js';
import { AppError, badRequest, conflict, notFound } from '../platform/errors.js';
import { type Db, type Tx, withRetry } from '../platform/transaction.js';
import * as repo from './incident-response.repository.js';
import { handlers, type Outcome, type Person, type RunState } from './incident-response.steps.js';
import { getScope, scopePeople } from './incident-scopes.repository.js';
import { completeScope } from './incident-scopes.js';
import { addIncidentEvent, getIncident, type Incident } from './incidents.repository.js';

/**
 * The response steps on a scope (GDPR Art. 34 and the protection of the people in it): `notify`
 * emails each person in their language, `reset` makes their customer accounts set a new password
 * and ends their sessions, `flag` marks those accounts for monitoring, and `revoke_staff` (no
 * scope: a staff incident) ends every staff session and API key.
 *
 * A step walks its people by email, a page at a time, and claims each person in
 * incident_step_people in the same transaction as the action: a person already there is skipped,
 * so running a step again does nothing twice. One run of a step of an incident runs at a time (an
 * advisory lock on the run's own connection); a process killed mid-run leaves its run `running`
 * and its lock released, and the next start closes that run as failed and starts a new one, which
 * skips everyone recorded and finishes the rest. The run row carries the progress; the incident's
 * timeline gets one event per run, and the audit log an entry when a run starts and when it ends.
 */
export const RESPONSE_STEPS: readonly IncidentStep[] = ['notify', 'reset', 'flag', 'revoke_staff'];

export interface StepInput {
  incidentId: string;
  /** The scope whose people the step walks; not for `revoke_staff`. */
  scopeId?: string | null;
  step: IncidentStep;
  actor: string;
  ip?: string | null;
}

export interface StepDeps {
  db: Db;
  config: Config;
  /** People per page and transaction. */
  pageSize?: number;
  /** Stops the run between two pages (a server shutting down); the run ends failed and resumes later. */
  signal?: AbortSignal;
  onProgress?(progress: StepProgress): void;
  /** Runs after each page commits; tests throw here to stop a run midway. */
  afterPage?(page: number): void | Promise<void>;
  /** How long to wait for another run of the same step to let go before refusing. */
  lockWaitMs?: number;
}

export interface StepProgress {
  runId: string;
  step: IncidentStep;
  total: number;
  done: number;
  failed: number;
  left: number;
  /** People per second handled by this run so far. */
  rate: number;
}

export interface DryRun {
  dryRun: true;
  step: IncidentStep;
  /** People the step would handle now: those in the scope it has not recorded yet. */
  count: number;
  total: number;
  alreadyDone: number;
  /** Of `count`, those with a customer account (reset, flag), or API keys not revoked (revoke_staff). */
  accounts?: number;
  apiKeys?: number;
  sample: { email: string; locale: string | null }[];
}

const EVENT: Record<IncidentStep, { what: string; action: string }> = {
  notify: { what: 'notifications_sent', action: 'security.incident.notified' },
  reset: { what: 'reset_forced', action: 'security.incident.reset_forced' },
  flag: { what: 'customers_flagged', action: 'security.incident.customers_flagged' },
  revoke_staff: { what: 'staff_revoked', action: 'security.incident.staff_revoked' },
};

/** `ana@example.com` -> `a***@example.com`: enough to recognise a sample, not to copy a list. */
export const maskEmail = (email: string) => {
  const at = email.lastIndexOf('@');
  return at > 0 ? `${email[0]}***${email.slice(at)}` : '***';
};

async function prepare(db: Db, input: StepInput): Promise<{ incident: Incident; walk: repo.Walk; scopeId: string | null }> {
  const incident = await getIncident(db, input.incidentId);
  if (!incident) throw notFound('incident', input.incidentId);
  if (input.step === 'revoke_staff') {
    if (incident.category !== 'staff_access')
      throw conflict('not_a_staff_incident', `revoke_staff ends every staff session and key: it is for a staff_access incident, not ${incident.category}`);
    return { incident, walk: { staff: true }, scopeId: null };
  }
  if (!input.scopeId) throw badRequest('scope_required', `${input.step} works through a scope's people: name the scope`, { field: 'scopeId' });
  if (!(await getScope(db, input.incidentId, input.scopeId))) throw notFound('scope', input.scopeId);
  // The scope's count came first; its list of people may still be being written.
  await completeScope(db, input.scopeId);
  return { incident, walk: { scopeId: input.scopeId }, scopeId: input.scopeId };
}

/** What a step would do, changing nothing: how many people, and the first few (masked). */
export async function dryRunStep(db: Db, input: StepInput): Promise<DryRun> {
  const { walk } = await prepare(db, input);
  const [{ total, recorded }, sample] = await Promise.all([
    repo.walkCounts(db, input.incidentId, input.step, walk),
    repo.firstLeft(db, input.incidentId, input.step, walk, 5),
  ]);
  const result: DryRun = {
    dryRun: true,
    step: input.step,
    count: total - recorded,
    total,
    alreadyDone: recorded,
    sample: sample.map((p) => ({ email: maskEmail(p.email), locale: p.locale })),
  };
  if ('scopeId' in walk && (input.step === 'reset' || input.step === 'flag'))
    result.accounts = await repo.leftWithAccounts(db, input.incidentId, input.step, walk.scopeId);
  if (input.step === 'revoke_staff') result.apiKeys = await repo.keysNotRevoked(db);
  return result;
}

/**
 * Starts a run: answers once this process holds the step and the run row exists, with `finished`,
 * which settles when the run ends. Refuses (409 `step_running`) while another run of the step goes on.
 */
export function startStep(deps: StepDeps, input: StepInput): Promise<{ run: repo.StepRun; finished: Promise<repo.StepRun> }> {
  return new Promise((resolve, reject) => {
    let started = false;
    const finished: Promise<repo.StepRun> = deps.db.connection().execute(async (conn) => {
      const prepared = await prepare(conn, input);
      await takeLock(conn, input, deps.lockWaitMs ?? 2000);
      try {
        const run = await begin(conn, input, prepared.scopeId, prepared.walk);
        started = true;
        resolve({ run, finished });
        return await work(conn, deps, input, prepared, run);
      } finally {
        // A connection that died took the lock with it; its error is not the one to report.
        await repo.releaseStepLock(conn, input.incidentId, input.step).catch(() => undefined);
      }
    });
    finished.catch((error: unknown) => {
      if (!started) reject(error);
    });
  });
}

/** Runs a step to its end (or, with `dryRun`, only says what it would do). */
export async function runStep(deps: StepDeps, input: StepInput & { dryRun?: boolean }): Promise<repo.StepRun | DryRun> {
  if (input.dryRun) return dryRunStep(deps.db, input);
  return (await startStep(deps, input)).finished;
}

async function takeLock(conn: Db, input: StepInput, waitMs: number): Promise<void> {
  // A process killed a moment ago may hold the lock until PostgreSQL notices its connection closed.
  const until = Date.now() + waitMs;
  while (!(await repo.tryStepLock(conn, input.incidentId, input.step))) {
    if (Date.now() >= until)
      throw conflict('step_running', `A ${input.step} run of this incident is in progress: follow its progress, or try again when it ends`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function begin(conn: Db, input: StepInput, scopeId: string | null, walk: repo.Walk): Promise<repo.StepRun> {
  return conn.transaction().execute(async (tx) => {
    const abandoned = await repo.closeAbandonedRuns(tx, input.incidentId, input.step);
    const { total, recorded } = await repo.walkCounts(tx, input.incidentId, input.step, walk);
    const run = await repo.insertRun(tx, {
      incident_id: input.incidentId,
      scope_id: scopeId,
      step: input.step,
      total,
      done: recorded,
      started_by: input.actor,
    });
    await audit(tx, {
      actor: input.actor,
      action: 'security.incident.step_started',
      subjectType: 'incident',
      subjectId: input.incidentId,
      ip: input.ip ?? null,
      data: { runId: run.id, step: input.step, scopeId, total, alreadyDone: recorded, abandonedRunsClosed: abandoned },
    });
    return run;
  });
}

/**
 * The pages: each is read and made ready while the one before commits (rendering 1,000 emails and
 * writing them overlap), on pool connections; the run's own connection holds the lock and is
 * touched between pages, so a run that lost it (its connection killed) stops there.
 */
async function work(conn: Db, deps: StepDeps, input: StepInput, prepared: { incident: Incident; walk: repo.Walk }, run: repo.StepRun): Promise<repo.StepRun> {
  const state: RunState = { run, incident: prepared.incident, counts: {}, done: 0, failed: 0 };
  const handle = handlers(deps.config)[input.step];
  const pageSize = deps.pageSize ?? 1000;
  const started = performance.now();
  const progress = (): StepProgress => {
    const doneNow = run.done + state.done;
    const seconds = (performance.now() - started) / 1000;
    return {
      runId: run.id,
      step: input.step,
      total: run.total,
      done: doneNow,
      failed: state.failed,
      left: Math.max(0, run.total - doneNow - state.failed),
      rate: seconds > 0 ? Math.round((state.done + state.failed) / seconds) : 0,
    };
  };
  const load = async (after: string) => {
    const walk = prepared.walk;
    const people: Person[] = 'scopeId' in walk ? await scopePeople(deps.db, walk.scopeId, after, pageSize) : await repo.staffPage(deps.db, after, pageSize);
    return people.length ? { last: people[people.length - 1]!.email, page: await handle(deps.db, state, people) } : undefined;
  };
  let next: ReturnType<typeof load> | undefined;
  try {
    if (input.step === 'revoke_staff') state.counts.apiKeysRevoked = await repo.revokeKeys(conn, input.actor, `incident ${input.incidentId}`);
    next = load('');
    for (let page = 1; ; page++) {
      const current = await next;
      if (!current) break;
      if (deps.signal?.aborted) throw new AppError('step_interrupted', 503, 'The run was stopped between two pages; start the step again to finish it');
      next = load(current.last);
      // A page read ahead is dropped if this one fails; its error is not this run's to report.
      next.catch(() => undefined);
      await repo.stillHeld(conn);
      if (current.page.pending) {
        try {
          state.done += await inPage(deps.db, state, current.page.commit);
        } catch (error) {
          state.failed += current.page.pending;
          throw error;
        }
      }
      deps.onProgress?.(progress());
      await deps.afterPage?.(page);
    }
    return await finish(conn, input, state, 'done');
  } catch (error) {
    await finish(conn, input, state, 'failed', error).catch(() => undefined);
    throw error;
  }
}

async function finish(conn: Db, input: StepInput, state: RunState, status: 'done' | 'failed', error?: unknown): Promise<repo.StepRun> {
  return conn.transaction().execute(async (tx) => {
    if (state.failed) await repo.addProgress(tx, state.run.id, 0, state.failed);
    const run = await repo.finishRun(tx, state.run.id, status);
    const details = { runId: run.id, scopeId: run.scope_id, handled: state.done, failed: state.failed, total: run.total, ...state.counts };
    if (state.done > 0 || (state.counts.apiKeysRevoked ?? 0) > 0) await addIncidentEvent(tx, input.incidentId, EVENT[input.step].what, details);
    await audit(tx, {
      actor: input.actor,
      action: status === 'done' ? EVENT[input.step].action : 'security.incident.step_failed',
      subjectType: 'incident',
      subjectId: input.incidentId,
      ip: input.ip ?? null,
      data: {
        step: input.step,
        ...details,
        ...(error ? { error: error instanceof AppError ? error.code : ((error as { code?: string }).code ?? 'error') } : {}),
      },
    });
    return run;
  });
}

/**
 * One page's transaction: the step's work and the run's progress commit together; deadlocks are
 * tried again. What the work did is counted once committed.
 */
async function inPage(db: Db, state: RunState, work: (tx: Tx) => Promise<Outcome>): Promise<number> {
  const result = await withRetry(
    () =>
      db.transaction().execute(async (tx) => {
        const outcome = await work(tx);
        await repo.addProgress(tx, state.run.id, outcome.done, 0);
        return outcome;
      }),
    3,
  );
  for (const [key, n] of Object.entries(result.counts)) state.counts[key] = (state.counts[key] ?? 0) + n;
  return result.done;
}

export interface StepRunView {
  id: string;
  incidentId: string;
  scopeId: string | null;
  step: IncidentStep;
  status: 'running' | 'done' | 'failed';
  total: number;
  done: number;
  failed: number;
  left: number;
  /** People per second over the run (from when each person was recorded). */
  rate: number;
  /** Running, but no progress for a minute: its process probably died; start the step again to resume. */
  stalled: boolean;
  startedBy: string;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export function stepRunView(run: repo.StepRun, handled: number, now = new Date()): StepRunView {
  const seconds = ((run.finished_at ?? now).getTime() - run.started_at.getTime()) / 1000;
  return {
    id: run.id,
    incidentId: run.incident_id,
    scopeId: run.scope_id,
    step: run.step,
    status: run.status,
    total: run.total,
    done: run.done,
    failed: run.failed,
    left: Math.max(0, run.total - run.done - run.failed),
    rate: seconds > 0 ? Math.round(handled / seconds) : 0,
    stalled: run.status === 'running' && now.getTime() - run.updated_at.getTime() > 60_000,
    startedBy: run.started_by,
    startedAt: run.started_at.toISOString(),
    updatedAt: run.updated_at.toISOString(),
    finishedAt: run.finished_at?.toISOString() ?? null,
  };
}

/** The incident's step runs, newest first, with their progress. */
export async function listStepRuns(db: Db, incidentId: string): Promise<StepRunView[]> {
  const runs = await repo.listRuns(db, incidentId);
  const handled = await repo.handledDuring(
    db,
    runs.map((r) => r.id),
  );
  return runs.map((run) => stepRunView(run, handled.get(run.id) ?? 0));
}
