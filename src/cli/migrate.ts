import { migrateDown, migrateToLatest } from '../platform/migrate.js';
import { withDatabase } from './with-database.js';

export async function migrate(args: string[]): Promise<void> {
  const direction = args[0] ?? 'up';
  if (direction !== 'up' && direction !== 'down') throw new Error(`migrate takes up or down, not "${direction}"`);
  await withDatabase(async (db) => {
    const ran = direction === 'up' ? await migrateToLatest(db) : await migrateDown(db);
    console.log(ran.length ? ran.join('\n') : 'nothing to do: the schema is up to date');
  });
}
