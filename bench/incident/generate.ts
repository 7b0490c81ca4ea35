/**
 * The incident bench's data set on its own: `npx tsx bench/incident/generate.ts [--orders N]
 * [--keep]` creates `taquilla_bench_incident` on the machine's PostgreSQL, migrates it, fills it
 * (dataset.ts says with what), prints how long each step took and the size on disk, and drops it
 * unless `--keep` (run.ts `--reuse` then measures it without generating again). run.ts calls
 * createAndGenerate itself.
 */
import type pg from 'pg';
import { connect } from '../../src/platform/database.js';
import { createDatabase } from '../checkout/setup.js';
import { admin, BASE, diskSizes, mib, NAME, sizeFrom } from './database.js';
import { generate, type DataSetSize } from './dataset.js';

/** Creates the bench database afresh, migrates it and fills it; answers what generate() reports. */
export async function createAndGenerate(client: pg.Client, size: DataSetSize) {
  const started = performance.now();
  const url = await createDatabase(client, BASE, NAME);
  const migrated = (performance.now() - started) / 1000;
  console.log(`created and migrated ${NAME} in ${migrated.toFixed(1)} s; generating ${size.orders.toLocaleString('en')} orders`);
  const db = connect(url, 1);
  try {
    const generated = await generate(db, size);
    return { url, ...generated, seconds: { 'create database and migrate': migrated, ...generated.seconds } };
  } finally {
    await db.destroy();
  }
}

/** Make the data set, say its size, drop it unless --keep. */
export async function standalone(args: string[]): Promise<void> {
  const client = await admin();
  if (!client) return;
  try {
    const result = await createAndGenerate(client, sizeFrom(args));
    const total = Object.values(result.seconds).reduce((a, b) => a + b, 0);
    const disk = await diskSizes();
    console.log(`generated in ${total.toFixed(0)} s; database ${mib(disk.database)}`);
    for (const t of disk.tables) console.log(`  ${t.name}: ${t.rows.toLocaleString('en')} rows, heap ${mib(t.heap)}, indexes ${mib(t.indexes)}`);
  } finally {
    if (!args.includes('--keep')) await client.query(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`);
    else console.log(`kept ${NAME} (bench/incident/run.ts --reuse uses it; DROP DATABASE ${NAME} when done)`);
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await standalone(process.argv.slice(2));
