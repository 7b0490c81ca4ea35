import { sql } from 'kysely';
import type { Db } from '../platform/transaction.js';
import type { BuildManifest } from './build-manifest.js';

/**
 * Each process registers the build it serves when it starts: the first one writes the manifest,
 * later ones count themselves and move `last_served_at`. A checkout record's build id then maps
 * to the exact scripts, with their hashes, that its page ran (PCI DSS 6.4.3).
 */
export async function registerBuild(db: Db, manifest: BuildManifest): Promise<void> {
  await db
    .insertInto('web_builds')
    .values({ build_id: manifest.buildId, manifest: JSON.stringify(manifest) })
    .onConflict((oc) => oc.column('build_id').doUpdateSet({ last_served_at: sql`now()`, processes: sql`web_builds.processes + 1` }))
    .execute();
}

export function listBuilds(db: Db, limit: number) {
  return db
    .selectFrom('web_builds as b')
    .select(['b.build_id', 'b.first_served_at', 'b.last_served_at', 'b.processes'])
    .select((eb) =>
      eb
        .selectFrom('checkout_records as c')
        .whereRef('c.build_id', '=', 'b.build_id')
        .select((e) => e.fn.countAll<string>().as('n'))
        .as('checkouts'),
    )
    .orderBy('b.last_served_at', 'desc')
    .limit(limit)
    .execute();
}

/** The manifest a build was registered with: the reference the tamper check compares against. */
export async function registeredManifest(db: Db, buildId: string): Promise<BuildManifest | undefined> {
  const row = await db.selectFrom('web_builds').select('manifest').where('build_id', '=', buildId).executeTakeFirst();
  return row ? (row.manifest as BuildManifest) : undefined;
}
