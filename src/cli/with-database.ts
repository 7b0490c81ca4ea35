import { loadConfig } from '../config.js';
import { openDatabase } from '../platform/database.js';
import type { Db } from '../platform/transaction.js';

/** Opens the configured database (starting the embedded one if needed) for one command. */
export async function withDatabase(work: (db: Db) => Promise<void>): Promise<void> {
  const handle = await openDatabase(loadConfig(), { info() {}, warn() {}, error() {} });
  try {
    await work(handle.db);
  } finally {
    await handle.close();
  }
}
