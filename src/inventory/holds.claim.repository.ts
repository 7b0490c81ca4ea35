import { sql } from 'kysely';
import type { Db } from '../platform/transaction.js';
import type { HoldItemRow } from './holds.repository.js';

/**
 * A fan's hold of one kind of stock (chosen seats, the best N seats of a category, or N places of
 * a GA area) in one statement: an implicit transaction, so nothing is held between round trips and
 * a shortfall writes nothing. Best seats and GA buckets are claimed with FOR UPDATE SKIP LOCKED,
 * chosen seats locked in seat-id order, as in the transaction the other holds use
 * (holds.service.ts); the statement checks the performance is on sale, the order limit and that the
 * category, area or seats are sold here, and writes only if every ticket was found.
 */

export interface ClaimRequest {
  performanceId: string;
  quantity: number;
  ttlSeconds: number;
  idempotencyKey: string | null;
  requestHash: string | null;
}

export interface Claimed {
  /** Chosen seats only: the named seats that are on sale for this performance, and their status once locked. */
  found?: { seat_id: string; status: string }[];
  /** Null when the performance does not exist. */
  performance: { status: string; maxTicketsPerOrder: number; known: boolean } | null;
  /** Null when nothing was written: refused, or not enough unlocked stock. */
  hold: { id: string; expires_at: Date } | null;
  items: HoldItemRow[];
}

type Row = {
  status: string | null;
  max: number | null;
  known: boolean | null;
  id: string | null;
  expires_at: Date | null;
  items: HoldItemRow[] | null;
  /** Chosen seats only: the named seats found for this performance, with their status. */
  found?: { seat_id: string; status: string }[] | null;
};

function claimed(row: Row): Claimed {
  return {
    performance: row.status === null ? null : { status: row.status, maxTicketsPerOrder: row.max!, known: row.known! },
    hold: row.id ? { id: row.id, expires_at: row.expires_at! } : null,
    items: row.items ?? [],
    ...(row.found !== undefined ? { found: row.found ?? [] } : {}),
  };
}

const insertHold = (r: ClaimRequest, enough: ReturnType<typeof sql>) => sql`
  INSERT INTO holds (performance_id, expires_at, quantity, idempotency_key, request_hash)
  SELECT ${r.performanceId}::uuid, now() + make_interval(secs => ${r.ttlSeconds}::integer), ${r.quantity}::integer, ${r.idempotencyKey}::text, ${r.requestHash}::text
  WHERE ${enough}
  RETURNING id, expires_at`;

/** One answer row even when the performance does not exist or nothing was written. */
const ANSWER_ROW = sql`FROM (SELECT 1) AS one LEFT JOIN perf ON true LEFT JOIN hold ON true`;

/**
 * The end of a seat claim: the seats of CTE `source` held under the new hold (none when it was not
 * written), and the answer's row, their items in rank order. `extra` adds columns to that row.
 */
const holdSeatsAndAnswer = (r: ClaimRequest, source: 'chosen' | 'locked', extra = sql``) => sql`held AS (
      UPDATE performance_seats ps SET status = 'held', hold_id = hold.id FROM hold, ${sql.table(source)}
      WHERE ps.performance_id = ${r.performanceId} AND ps.seat_id = ${sql.ref(`${source}.seat_id`)}
      RETURNING ps.seat_id, ps.category_id, ps.rank
    )
    SELECT perf.status, perf.max, perf.known, hold.id, hold.expires_at,
      (SELECT json_agg(json_build_object('seat_id', held.seat_id, 'ga_area_id', NULL, 'quantity', 1, 'category_id', held.category_id,
          'price', c.price, 'currency', c.currency, 'category_name', c.name, 'label', s.label) ORDER BY held.rank)
        FROM held JOIN price_categories c ON c.id = held.category_id JOIN seats s ON s.id = held.seat_id) AS items${extra}
    ${ANSWER_ROW}`;

/** The statement of `claimBestSeats`, also sent as it is by the checkout bench's raw SQL reference. */
export function claimBestSeatsSql(r: ClaimRequest, categoryId: string, window: number) {
  const q = r.quantity;
  return sql<Row>`
    WITH perf AS (
      SELECT p.status, e.max_tickets_per_order AS max,
        EXISTS (SELECT 1 FROM price_categories pc WHERE pc.id = ${categoryId} AND pc.event_id = p.event_id) AS known
      FROM performances p JOIN events e ON e.id = p.event_id WHERE p.id = ${r.performanceId}
    ), cand AS (
      SELECT ps.seat_id, ps.rank, s.section, s.row_label, s.number
      FROM performance_seats ps JOIN seats s ON s.id = ps.seat_id
      WHERE ps.performance_id = ${r.performanceId} AND ps.category_id = ${categoryId} AND ps.status = 'available'
        AND EXISTS (SELECT 1 FROM perf WHERE status = 'on_sale' AND max >= ${q}::integer AND known)
      ORDER BY ps.rank
      LIMIT ${window}::integer
      FOR UPDATE OF ps SKIP LOCKED
    ), run AS (
      SELECT a.section, a.row_label, a.number
      FROM cand a JOIN cand b ON b.section = a.section AND b.row_label = a.row_label AND b.number BETWEEN a.number AND a.number + ${q}::integer - 1
      GROUP BY a.section, a.row_label, a.number
      HAVING count(*) = ${q}::integer
      ORDER BY min(b.rank), a.number
      LIMIT 1
    ), chosen AS (
      SELECT c.seat_id FROM cand c JOIN run ON c.section = run.section AND c.row_label = run.row_label
        AND c.number BETWEEN run.number AND run.number + ${q}::integer - 1
      UNION ALL
      SELECT seat_id FROM (SELECT seat_id FROM cand ORDER BY rank LIMIT ${q}::integer) AS best WHERE NOT EXISTS (SELECT 1 FROM run)
    ), hold AS (${insertHold(r, sql`(SELECT count(*) FROM chosen) = ${q}::integer`)}
    ), ${holdSeatsAndAnswer(r, 'chosen')}`;
}

/**
 * The best `quantity` seats of a category: of the first `window` unlocked available seats by rank,
 * the best run of consecutive numbers in one row (the run whose best seat ranks highest, then the
 * lowest first number), else simply the best seats: seat-selection.ts's `chooseSeats`, in SQL.
 */
export async function claimBestSeats(db: Db, r: ClaimRequest, categoryId: string, window: number): Promise<Claimed> {
  const { rows } = await claimBestSeatsSql(r, categoryId, window).execute(db);
  return claimed(rows[0]!);
}

/** The statement of `claimGaPlaces`, also sent as it is by the checkout bench's raw SQL reference. */
export function claimGaPlacesSql(r: ClaimRequest, gaAreaId: string, buckets: number) {
  const q = r.quantity;
  return sql<Row>`
    WITH perf AS (
      SELECT p.status, e.max_tickets_per_order AS max, pga.category_id IS NOT NULL AS known
      FROM performances p JOIN events e ON e.id = p.event_id
        LEFT JOIN performance_ga_areas pga ON pga.performance_id = p.id AND pga.ga_area_id = ${gaAreaId}
      WHERE p.id = ${r.performanceId}
    ), locked AS (
      SELECT bucket, capacity - taken AS free, capacity - taken >= ${q}::integer AS fits, random() AS r
      FROM ga_stock
      WHERE performance_id = ${r.performanceId} AND ga_area_id = ${gaAreaId} AND taken < capacity
        AND EXISTS (SELECT 1 FROM perf WHERE status = 'on_sale' AND max >= ${q}::integer AND known)
      ORDER BY 3 DESC, 4
      LIMIT ${buckets}::integer
      FOR UPDATE SKIP LOCKED
    ), took AS (
      SELECT bucket, least(free, ${q}::integer - coalesce(sum(free) OVER (ORDER BY fits DESC, r ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)) AS n
      FROM locked
    ), hold AS (${insertHold(r, sql`(SELECT coalesce(sum(n), 0) FROM took WHERE n > 0) = ${q}::integer`)}
    ), stock AS (
      UPDATE ga_stock g SET taken = g.taken + took.n FROM took, hold
      WHERE g.performance_id = ${r.performanceId} AND g.ga_area_id = ${gaAreaId} AND g.bucket = took.bucket AND took.n > 0
    ), placed AS (
      INSERT INTO hold_ga_items (hold_id, performance_id, ga_area_id, bucket, quantity)
      SELECT hold.id, ${r.performanceId}, ${gaAreaId}, took.bucket, took.n FROM took, hold WHERE took.n > 0
    )
    SELECT perf.status, perf.max, perf.known, hold.id, hold.expires_at,
      (SELECT json_agg(json_build_object('seat_id', NULL, 'ga_area_id', pga.ga_area_id, 'quantity', ${q}::integer, 'category_id', pga.category_id,
          'price', c.price, 'currency', c.currency, 'category_name', c.name, 'label', a.name))
        FROM performance_ga_areas pga JOIN price_categories c ON c.id = pga.category_id JOIN ga_areas a ON a.id = pga.ga_area_id
        WHERE hold.id IS NOT NULL AND pga.performance_id = ${r.performanceId} AND pga.ga_area_id = ${gaAreaId}) AS items
    ${ANSWER_ROW}`;
}

/**
 * `quantity` places of a GA area from up to `buckets` of its unlocked buckets with room, those
 * with room for the whole request first, in random order so concurrent holds spread their locks.
 */
export async function claimGaPlaces(db: Db, r: ClaimRequest, gaAreaId: string, buckets: number): Promise<Claimed> {
  const { rows } = await claimGaPlacesSql(r, gaAreaId, buckets).execute(db);
  return claimed(rows[0]!);
}

/** The statement of `claimChosenSeats`, also sent as it is by the checkout bench's raw SQL reference. */
export function claimChosenSeatsSql(r: ClaimRequest, seatIds: readonly string[]) {
  const q = r.quantity;
  return sql<Row>`
    WITH perf AS (
      SELECT p.status, e.max_tickets_per_order AS max, true AS known
      FROM performances p JOIN events e ON e.id = p.event_id WHERE p.id = ${r.performanceId}
    ), locked AS (
      SELECT seat_id, status, category_id, rank FROM performance_seats
      WHERE performance_id = ${r.performanceId} AND seat_id = ANY(${[...seatIds]}::uuid[])
        AND EXISTS (SELECT 1 FROM perf WHERE status = 'on_sale' AND max >= ${q}::integer)
      ORDER BY seat_id
      FOR UPDATE
    ), hold AS (${insertHold(r, sql`(SELECT count(*) FROM locked WHERE status = 'available') = ${q}::integer`)}
    ), ${holdSeatsAndAnswer(
      r,
      'locked',
      sql`,
      (SELECT json_agg(json_build_object('seat_id', seat_id, 'status', status)) FROM locked) AS found`,
    )}`;
}

/**
 * Seats a fan chose, all or none: locked in a fixed order (by seat id), waiting for others' locks
 * up to the lock timeout so buyers never deadlock, and held only if every one is on sale here and
 * available once locked (a lock waited for hands over the row as its holder committed it).
 */
export async function claimChosenSeats(db: Db, r: ClaimRequest, seatIds: readonly string[]): Promise<Claimed> {
  const { rows } = await claimChosenSeatsSql(r, seatIds).execute(db);
  return claimed(rows[0]!);
}
