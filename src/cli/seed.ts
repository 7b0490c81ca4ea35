import { seedDemo } from '../catalog/demo-seed.js';
import { migrateToLatest } from '../platform/migrate.js';
import { withDatabase } from './with-database.js';

export async function seed(): Promise<void> {
  await withDatabase(async (db) => {
    await migrateToLatest(db);
    const seeded = await seedDemo(db);
    console.log(seeded ? `demo concert seeded: event ${seeded.eventId}` : 'the database already has events; nothing seeded');
  });
}
