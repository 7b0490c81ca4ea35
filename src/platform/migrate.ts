import { Migrator, sql, type Kysely, type MigrationResultSet } from 'kysely';
import { migrations } from '../../migrations/index.js';

// Migrations run on a schema they are changing, so they see the database untyped (Kysely's own advice).
// biome-ignore lint/suspicious/noExplicitAny: see above
function migrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

function unwrap(result: MigrationResultSet): string[] {
  if (result.error) throw result.error;
  return (result.results ?? []).map((r) => `${r.direction} ${r.migrationName}: ${r.status}`);
}

/**
 * Pooled connections give up on a row lock after 2 s (platform/database.ts); a migration's DDL may
 * rightly wait longer for a busy table, so migrations run on one connection with no lock timeout,
 * given back with the connection's own.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations see the database untyped
async function withoutLockTimeout(db: Kysely<any>, run: (m: Migrator) => Promise<MigrationResultSet>): Promise<MigrationResultSet> {
  return db.connection().execute(async (conn) => {
    await sql`SET lock_timeout = 0`.execute(conn);
    try {
      return await run(migrator(conn));
    } finally {
      await sql`RESET lock_timeout`.execute(conn);
    }
  });
}

/** Brings the schema to the newest migration; returns what ran. */
// biome-ignore lint/suspicious/noExplicitAny: migrations see the database untyped
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return unwrap(await withoutLockTimeout(db, (m) => m.migrateToLatest()));
}

/** Undoes the newest migration. */
// biome-ignore lint/suspicious/noExplicitAny: migrations see the database untyped
export async function migrateDown(db: Kysely<any>): Promise<string[]> {
  return unwrap(await withoutLockTimeout(db, (m) => m.migrateDown()));
}

/** Names of this build's migrations that the database has not run yet. */
// biome-ignore lint/suspicious/noExplicitAny: migrations see the database untyped
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  return (await migrator(db).getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
}
