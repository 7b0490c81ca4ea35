import { PassThrough } from 'node:stream';
import { audit } from '../platform/audit.js';
import { notFound } from '../platform/errors.js';
import type { Db, Tx } from '../platform/transaction.js';
import { BOM, csvLine } from './orders-export.csv.js';
import * as repo from './orders-export.repository.js';

/**
 * The CSV exports: orders (with the list's filters) and a performance's attendees. Rows are read
 * in batches of BATCH by keyset inside one read-only REPEATABLE READ transaction, so the count
 * sent first (X-Total-Rows, for the console's progress) and the rows agree, and written to the
 * reply as they come: 100,000 rows never sit in memory, and a reader that stops (a closed tab)
 * stops the reading.
 */
const BATCH = 5000;

export const ORDER_COLUMNS = [
  'order_id',
  'status',
  'channel',
  'payment_method',
  'buyer_name',
  'buyer_email',
  'locale',
  'total',
  'currency',
  'tickets',
  'event',
  'performance_id',
  'performance_starts_at',
  'created_at',
  'paid_at',
  'closed_at',
];

export const ATTENDEE_COLUMNS = [
  'ticket_id',
  'order_id',
  'name',
  'email',
  'section',
  'row',
  'seat',
  'area',
  'category',
  'channel',
  'ticket_status',
  'checked_in_at',
];

export interface CsvExport {
  total: number;
  stream: PassThrough;
}

/**
 * Opens the snapshot, counts, and answers once the count is known; the rows follow on `stream`.
 * `write` yields CSV text batch by batch.
 */
function exportInSnapshot(db: Db, count: (tx: Tx) => Promise<number>, write: (tx: Tx) => AsyncGenerator<string>): Promise<CsvExport> {
  return new Promise((resolve, reject) => {
    const stream = new PassThrough();
    let answered = false;
    let closed = false;
    stream.on('close', () => {
      closed = true;
    });
    db.transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (tx) => {
        const total = await count(tx);
        answered = true;
        resolve({ total, stream });
        for await (const chunk of write(tx)) {
          if (closed) return;
          if (!stream.write(chunk)) await new Promise<void>((r) => stream.once('drain', r).once('close', r));
        }
        stream.end();
      })
      .catch((error: unknown) => {
        if (!answered) reject(error);
        else stream.destroy(error as Error);
      });
  });
}

/** Who exported what, and how many rows; an export that cannot be audited is not sent. */
async function audited(result: CsvExport, db: Db, entry: Parameters<typeof audit>[1]): Promise<void> {
  try {
    await audit(db, entry);
  } catch (error) {
    result.stream.destroy();
    throw error;
  }
}

/** The header, then each keyset batch as one chunk of lines, until a batch comes back short. */
async function* keysetCsv<R extends { micros: string; id: string }>(
  columns: string[],
  batch: (after: repo.OrderCursor | null) => Promise<R[]>,
  cells: (row: R) => unknown[],
): AsyncGenerator<string> {
  yield BOM + csvLine(columns);
  let after: repo.OrderCursor | null = null;
  for (;;) {
    const rows = await batch(after);
    if (!rows.length) return;
    let text = '';
    for (const row of rows) text += csvLine(cells(row));
    yield text;
    const last = rows[rows.length - 1]!;
    after = { micros: last.micros, id: last.id };
    if (rows.length < BATCH) return;
  }
}

export async function exportOrders(db: Db, filter: repo.OrderFilter, who: { actor: string; ip?: string }): Promise<CsvExport> {
  const result = await exportInSnapshot(
    db,
    (tx) => repo.countOrders(tx, filter),
    (tx) =>
      keysetCsv(
        ORDER_COLUMNS,
        (after) => repo.exportOrdersBatch(tx, filter, after, BATCH),
        (o) => [
          o.id,
          o.status,
          o.channel,
          o.payment_method,
          o.buyer_name,
          o.buyer_email,
          o.locale,
          o.total,
          o.currency,
          o.valid_tickets,
          o.event_title,
          o.performance_id,
          o.starts_at,
          o.created_at,
          o.paid_at,
          o.closed_at,
        ],
      ),
  );
  await audited(result, db, {
    actor: who.actor,
    action: 'sales.orders.exported',
    subjectType: filter.performanceId ? 'performance' : 'orders',
    subjectId: filter.performanceId ?? 'all',
    ip: who.ip ?? null,
    data: { filter: { ...filter }, rows: result.total },
  });
  return result;
}

export async function exportAttendees(db: Db, performanceId: string, who: { actor: string; ip?: string }): Promise<CsvExport> {
  const perf = await db.selectFrom('performances').select('id').where('id', '=', performanceId).executeTakeFirst();
  if (!perf) throw notFound('performance', performanceId);
  const result = await exportInSnapshot(
    db,
    (tx) => repo.countAttendees(tx, performanceId),
    (tx) =>
      keysetCsv(
        ATTENDEE_COLUMNS,
        (after) => repo.attendeesBatch(tx, performanceId, after, BATCH),
        (t) => [t.id, t.order_id, t.buyer_name, t.buyer_email, t.section, t.row_label, t.number, t.area, t.category, t.channel, t.status, t.checked_in_at],
      ),
  );
  await audited(result, db, {
    actor: who.actor,
    action: 'sales.attendees.exported',
    subjectType: 'performance',
    subjectId: performanceId,
    ip: who.ip ?? null,
    data: { rows: result.total },
  });
  return result;
}
