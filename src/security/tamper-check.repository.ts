import { sql } from 'kysely';
import type { Db } from '../platform/transaction.js';
import type { TamperFinding } from './tamper-check.findings.js';

/** One page or file the check fetched: its answer and the sha384 of what it received. */
export interface CheckedResource {
  /** A path on the app, or a URL on the payment origin (session ids replaced by `:sessionId`). */
  url: string;
  kind: 'page' | 'script' | 'style';
  pageClass?: string;
  /** The HTTP status; null when there was no answer. */
  status: number | null;
  /** Of the decompressed bytes; for pages, with the response's nonce (and session id) taken out, so runs compare. */
  sha384: string | null;
  /** The content-encoding it came in. */
  encoding?: string;
  /** The build a page names (its taquilla-build meta). */
  buildId?: string;
}

export interface TamperCheckRow {
  id: string;
  buildId: string;
  startedAt: Date;
  finishedAt: Date;
  ok: boolean;
  pages: CheckedResource[];
  findings: TamperFinding[];
  incidentId: string | null;
}

export async function insertTamperCheck(
  db: Db,
  run: { buildId: string; startedAt: Date; ok: boolean; pages: CheckedResource[]; findings: TamperFinding[] },
): Promise<{ id: string; finishedAt: Date }> {
  const row = await db
    .insertInto('tamper_checks')
    .values({ build_id: run.buildId, started_at: run.startedAt, ok: run.ok, pages: JSON.stringify(run.pages), findings: JSON.stringify(run.findings) })
    .returning(['id', 'finished_at'])
    .executeTakeFirstOrThrow();
  return { id: row.id, finishedAt: row.finished_at };
}

export async function setTamperCheckIncident(db: Db, id: string, incidentId: string): Promise<void> {
  await db.updateTable('tamper_checks').set({ incident_id: incidentId }).where('id', '=', id).execute();
}

export async function listTamperChecks(db: Db, limit: number): Promise<TamperCheckRow[]> {
  const rows = await db.selectFrom('tamper_checks').selectAll().orderBy('finished_at', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    buildId: r.build_id,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    ok: r.ok,
    pages: r.pages as CheckedResource[],
    findings: r.findings as TamperFinding[],
    incidentId: r.incident_id,
  }));
}

/** Held until the transaction ends; false when another process is checking right now. */
export async function tryTamperCheckLock(tx: Db): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(hashtext('taquilla:tamper_check')) AS locked`.execute(tx);
  return rows[0]!.locked;
}

/** Whether some process checked this build in the last `seconds` (by the database's clock, so hosts' clocks do not matter). */
export async function checkedWithin(db: Db, buildId: string, seconds: number): Promise<boolean> {
  const row = await db
    .selectFrom('tamper_checks')
    .select('id')
    .where('build_id', '=', buildId)
    .where('finished_at', '>', sql<Date>`now() - make_interval(secs => ${seconds})`)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
