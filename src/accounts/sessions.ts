import type { SessionKind, SessionState } from '../platform/database.types.js';
import type { Db, Tx } from '../platform/transaction.js';
import { newSecret, sha256Hex } from './secrets.js';
import * as repo from './sessions.repository.js';

/**
 * Sessions, after the Copenhagen Book: a 256-bit random secret in an HttpOnly cookie, only its
 * SHA-256 in the database, looked up on every request (so disabling an account or changing its
 * password ends its sessions on every node at once), with an idle and an absolute end.
 *
 * A staff session first exists in a partial state: `password` (the password was right, a second
 * factor is due: 10 minutes) or `enrol` (an invited person set a password and must enrol a
 * second factor before seeing anything: 1 hour). Only `signed_in` opens the console. Each step up
 * starts a new session (new secret), so a secret seen before the second factor is worth nothing
 * after it.
 */
export const LIFETIMES: Record<SessionKind, Record<SessionState, { idle: number; absolute: number }>> = {
  staff: {
    password: { idle: 600, absolute: 600 },
    enrol: { idle: 3600, absolute: 3600 },
    signed_in: { idle: 30 * 60, absolute: 12 * 3600 },
  },
  customer: {
    password: { idle: 600, absolute: 600 },
    enrol: { idle: 3600, absolute: 3600 },
    signed_in: { idle: 14 * 86_400, absolute: 30 * 86_400 },
  },
};

export interface SessionInfo {
  /** The stored id (SHA-256 of the secret): safe to show and log. */
  id: string;
  kind: SessionKind;
  subjectId: string;
  state: SessionState;
  secondFactorAt: Date | null;
  createdAt: Date;
}

export interface NewSession {
  /** The secret for the cookie; shown once, never stored. */
  secret: string;
  id: string;
}

export async function startSession(
  db: Db | Tx,
  kind: SessionKind,
  subjectId: string,
  state: SessionState,
  client: { ip: string | null; userAgent: string | null },
  secondFactor = false,
): Promise<NewSession> {
  const secret = newSecret();
  const id = sha256Hex(secret);
  const life = LIFETIMES[kind][state];
  await repo.insertSession(db, {
    id,
    kind,
    subjectId,
    state,
    idleSeconds: life.idle,
    absoluteSeconds: life.absolute,
    secondFactor,
    ip: client.ip,
    userAgent: client.userAgent?.slice(0, 300) ?? null,
  });
  return { secret, id };
}

/** The live session a cookie's secret opens, or undefined; moves its idle deadline on. */
export async function readSession(db: Db, kind: SessionKind, secret: string | undefined): Promise<SessionInfo | undefined> {
  if (!secret || secret.length > 100) return undefined;
  const id = sha256Hex(secret);
  const row = await repo.findLiveSession(db, id, kind);
  if (!row) return undefined;
  if (row.stale) await repo.touchSession(db, id, LIFETIMES[kind][row.state].idle);
  return { id, kind, subjectId: row.subject_id, state: row.state, secondFactorAt: row.second_factor_at, createdAt: row.created_at };
}

export const endSession = (db: Db | Tx, id: string, reason: string) => repo.revokeSession(db, id, reason);
export const endAllSessions = (db: Db | Tx, kind: SessionKind, subjectId: string, reason: string, except?: string) =>
  repo.revokeSubjectSessions(db, kind, subjectId, reason, except);
