import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import pg from 'pg';
import type { Kysely } from 'kysely';
import { connect } from '../../src/platform/database.js';
import type { Database } from '../../src/platform/database.types.js';

export interface TestDatabase {
  db: Kysely<Database>;
  url: string;
  kind: 'embedded' | 'external';
  drop(): Promise<void>;
}

export const databaseAvailable = Boolean(process.env.TAQUILLA_TEST_ADMIN_URL);
export const skipReason = 'no test PostgreSQL: run through `npm test`, which starts one';

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.TAQUILLA_TEST_ADMIN_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database of its own, cloned from the run's template; dropped after. */
export async function testDatabase(poolSize = 20): Promise<TestDatabase> {
  const adminUrl = process.env.TAQUILLA_TEST_ADMIN_URL;
  if (!adminUrl) throw new Error(skipReason);
  const name = `${process.env.TAQUILLA_TEST_PREFIX}_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${name} TEMPLATE ${process.env.TAQUILLA_TEST_TEMPLATE}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = connect(url.toString(), poolSize);
  return {
    db,
    url: url.toString(),
    kind: url.hostname === '127.0.0.1' && url.password === 'test' ? 'embedded' : 'external',
    drop: async () => {
      await db.destroy();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Registers a database for the test file, or skips it with the reason printed. */
export function useTestDatabase(t: TestContext | { skip(reason: string): void }): boolean {
  if (databaseAvailable) return true;
  t.skip(skipReason);
  return false;
}
