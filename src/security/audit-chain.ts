import { createHash } from 'node:crypto';

/**
 * The audit log's hash chain: what a sealed row's hash covers, computed the same way by the
 * sealer that writes it and by `taquilla audit verify` that checks it.
 *
 *   hash = hex(sha256(prev_hash || canonical(row)))      (prev_hash as its 64 hex characters)
 *
 * `prev_hash` of the first row (seq 1) is GENESIS_HASH. The chain order is `seq`, the order in
 * which the sealer sealed the rows, not `id`: a transaction that commits late gets its row sealed
 * later, and nothing has to wait for it.
 *
 * canonical(row), version 1: the JSON text, without whitespace, of the array
 *
 *   [id, at, actor, action, subject_type, subject_id, ip, data]
 *
 * - id: the bigserial id as a decimal string;
 * - at: the stored timestamp in UTC with microseconds, `2026-12-06T19:04:05.123456Z`, formatted by
 *   PostgreSQL (AT_TEXT below), so no precision is lost to JavaScript's millisecond Date and the
 *   text is the same whatever the session's time zone or the node reading it;
 * - ip: a string or null;
 * - data: the jsonb value as JSON.parse reads it, written with the object keys of every nested
 *   object in ascending UTF-16 code-unit order (JSON.stringify's escaping for strings and numbers).
 *
 * Not covered: `seq` (its place is fixed by the links) and `sealed_at` (when the sealer saw the
 * row: informational).
 */
export const GENESIS_HASH = '0'.repeat(64);

/** The columns a hash covers, as read for sealing or verifying (`at` already as AT_TEXT). */
export interface ChainRow {
  id: string | number;
  at: string;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  ip: string | null;
  data: unknown;
}

/** JSON text with object keys sorted at every depth; the rest as JSON.stringify writes it. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object)
    .filter((k) => object[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(object[k])}`).join(',')}}`;
}

export function canonicalRow(row: ChainRow): string {
  return canonicalJson([String(row.id), row.at, row.actor, row.action, row.subject_type, row.subject_id, row.ip, row.data]);
}

export function chainHash(prevHash: string, row: ChainRow): string {
  return createHash('sha256').update(prevHash).update(canonicalRow(row)).digest('hex');
}

/** A head kept elsewhere, as `taquilla audit head` prints it: `<seq>:<hash>`. */
export function parseHead(text: string): { seq: number; hash: string } | undefined {
  const match = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim());
  return match ? { seq: Number(match[1]), hash: match[2]! } : undefined;
}
