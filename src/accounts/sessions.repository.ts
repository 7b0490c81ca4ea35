import { sql } from 'kysely';
import type { SessionKind, SessionState } from '../platform/database.types.js';
import type { Db, Tx } from '../platform/transaction.js';

/** SQL for sessions. The id column holds the SHA-256 of the session secret, never the secret. */

export async function insertSession(
  db: Db | Tx,
  row: {
    id: string;
    kind: SessionKind;
    subjectId: string;
    state: SessionState;
    idleSeconds: number;
    absoluteSeconds: number;
    secondFactor: boolean;
    ip: string | null;
    userAgent: string | null;
  },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: row.id,
      kind: row.kind,
      subject_id: row.subjectId,
      state: row.state,
      idle_expires_at: sql<Date>`now() + make_interval(secs => ${row.idleSeconds})` as never,
      absolute_expires_at: sql<Date>`now() + make_interval(secs => ${row.absoluteSeconds})` as never,
      second_factor_at: row.secondFactor ? (sql<Date>`now()` as never) : null,
      ip: row.ip,
      user_agent: row.userAgent,
    })
    .execute();
}

/** A live session: not revoked, not idle too long, not past its absolute end. */
export function findLiveSession(db: Db | Tx, id: string, kind: SessionKind) {
  return db
    .selectFrom('sessions')
    .select([
      'id',
      'kind',
      'subject_id',
      'state',
      'created_at',
      'last_seen_at',
      'second_factor_at',
      'absolute_expires_at',
      sql<boolean>`last_seen_at < now() - interval '60 seconds'`.as('stale'),
    ])
    .where('id', '=', id)
    .where('kind', '=', kind)
    .where('revoked_at', 'is', null)
    .where('idle_expires_at', '>', sql<Date>`now()`)
    .where('absolute_expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/** Moves the idle deadline on; at most once a minute per session, so a busy console does not write on every request. */
export async function touchSession(db: Db, id: string, idleSeconds: number): Promise<void> {
  await db
    .updateTable('sessions')
    .set({
      last_seen_at: sql<Date>`now()` as never,
      idle_expires_at: sql<Date>`least(now() + make_interval(secs => ${idleSeconds}), absolute_expires_at)` as never,
    })
    .where('id', '=', id)
    .execute();
}

export async function revokeSession(db: Db | Tx, id: string, reason: string): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: new Date(), revoked_reason: reason })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Ends every live session of a person (or all but one); answers how many. */
export async function revokeSubjectSessions(db: Db | Tx, kind: SessionKind, subjectId: string, reason: string, except?: string): Promise<number> {
  let query = db
    .updateTable('sessions')
    .set({ revoked_at: new Date(), revoked_reason: reason })
    .where('kind', '=', kind)
    .where('subject_id', '=', subjectId)
    .where('revoked_at', 'is', null);
  if (except) query = query.where('id', '!=', except);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function markSecondFactor(db: Db | Tx, id: string, state: SessionState): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ state, second_factor_at: sql<Date>`now()` as never })
    .where('id', '=', id)
    .execute();
}

export function listSubjectSessions(db: Db, kind: SessionKind, subjectId: string) {
  return db
    .selectFrom('sessions')
    .select(['id', 'state', 'created_at', 'last_seen_at', 'ip', 'user_agent', 'absolute_expires_at'])
    .where('kind', '=', kind)
    .where('subject_id', '=', subjectId)
    .where('revoked_at', 'is', null)
    .where('idle_expires_at', '>', sql<Date>`now()`)
    .where('absolute_expires_at', '>', sql<Date>`now()`)
    .orderBy('last_seen_at', 'desc')
    .execute();
}
