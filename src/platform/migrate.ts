import { Migrator, type Kysely, type MigrationResultSet } from 'kysely';
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

/** Brings the schema to the newest migration; returns what ran. */
// biome-ignore lint/suspicious/noExplicitAny: migrations see the database untyped
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return unwrap(await migrator(db).migrateToLatest());
}

/** Undoes the newest migration. */
// biome-ignore lint/suspicious/noExplicitAny: migrations see the database untyped
export async function migrateDown(db: Kysely<any>): Promise<string[]> {
  return unwrap(await migrator(db).migrateDown());
}

/** Names of this build's migrations that the database has not run yet. */
// biome-ignore lint/suspicious/noExplicitAny: migrations see the database untyped
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  return (await migrator(db).getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
}
