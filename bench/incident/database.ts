import { sql } from 'kysely';
import type pg from 'pg';
import { connect } from '../../src/platform/database.js';
import { adminClient } from '../checkout/setup.js';
import { FULL, type DataSetSize } from './dataset.js';

export const BASE = 'postgres://postgres@127.0.0.1:5432';
export const NAME = 'taquilla_bench_incident';

export function sizeFrom(args: string[]): DataSetSize {
  const at = args.indexOf('--orders');
  if (at < 0) return FULL;
  const orders = Number(args[at + 1]);
  return { orders, attempts: orders * 3, people: Math.round(orders * 0.6), days: FULL.days };
}

/** The machine's PostgreSQL, or undefined (said why) when it is not reachable. */
export async function admin(): Promise<pg.Client | undefined> {
  const client = await adminClient(BASE);
  if (typeof client !== 'string') return client;
  console.log(`PostgreSQL at 127.0.0.1:5432 is not reachable (${client}): nothing measured.`);
  return undefined;
}

/** Bytes on disk: the database, and each of the big tables with its indexes. */
export async function diskSizes(): Promise<{ database: number; tables: { name: string; rows: number; heap: number; indexes: number }[] }> {
  const db = connect(`${BASE}/${NAME}`, 1);
  try {
    const database = await sql<{ bytes: string }>`SELECT pg_database_size(current_database()) AS bytes`.execute(db);
    const tables = await sql<{ name: string; rows: string; heap: string; indexes: string }>`
      SELECT c.relname AS name, c.reltuples::bigint AS rows, pg_table_size(c.oid) AS heap, pg_indexes_size(c.oid) AS indexes
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname IN ('orders', 'checkout_records', 'holds', 'customers', 'incident_scope_people', 'outbox')
       ORDER BY pg_total_relation_size(c.oid) DESC`.execute(db);
    return {
      database: Number(database.rows[0]!.bytes),
      tables: tables.rows.map((r) => ({ name: r.name, rows: Number(r.rows), heap: Number(r.heap), indexes: Number(r.indexes) })),
    };
  } finally {
    await db.destroy();
  }
}

export const mib = (bytes: number) => `${(bytes / 2 ** 20).toLocaleString('en', { maximumFractionDigits: 0 })} MiB`;
