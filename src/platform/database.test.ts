import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { ownPostgres, type OwnPostgres } from '../../tests/helpers/own-postgres.js';
import { connect, waitForDatabase } from './database.js';
import { StartupError } from './outages.js';

/** Log lines, by level and message. */
function recorder() {
  const lines: string[] = [];
  const at = (level: string) => (_data: object, message: string) => lines.push(`${level} ${message}`);
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } };
}

let server: OwnPostgres;
before(async () => {
  server = await ownPostgres();
});
after(async () => {
  await server?.close();
});

test('database: a pool outlives PostgreSQL restarts (fast and immediate): work in flight fails, the process is untouched, the next query reconnects; logged once each way', {
  timeout: 60_000,
}, async () => {
  await server.start();
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', onUncaught);
  const { lines, log } = recorder();
  const db = connect(server.url(), 4, { log });
  try {
    for (const mode of ['fast', 'immediate'] as const) {
      lines.length = 0;
      assert.equal((await sql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows[0]!.one, 1);
      // A transaction holds a checked-out client while its server goes away.
      const inFlight = db.transaction().execute(async (tx) => {
        await sql`SELECT 1`.execute(tx);
        await server.stop(mode);
        await new Promise((r) => setTimeout(r, 100));
        await sql`SELECT 1`.execute(tx);
      });
      await assert.rejects(inFlight, `a transaction cut by a ${mode} shutdown fails`);
      await assert.rejects(sql`SELECT 1`.execute(db), /ECONNREFUSED|connect/, 'while it is down, queries fail at once');
      await server.start();
      assert.equal((await sql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows[0]!.one, 1, 'the first query after the restart works');
      assert.deepEqual(
        lines.filter((l) => !l.startsWith('warn')).map((l) => l.replace(/;.*/, '')),
        ['error database unreachable', 'info database reachable again'],
        `${mode}: ${lines.join(' | ')}`,
      );
    }
  } finally {
    process.off('uncaughtException', onUncaught);
    await db.destroy();
  }
  assert.deepEqual(uncaught, [], 'no error reached the process');
});

test('database: start-up waits for a PostgreSQL that comes up late, saying what it waits for, and gives up after the wait with one line', {
  timeout: 60_000,
}, async () => {
  await server.stop('fast');
  const { lines, log } = recorder();
  const started = Date.now();
  const late = new Promise((r) => setTimeout(r, 1500)).then(() => server.start());
  await waitForDatabase(server.url(), 30, log);
  await late;
  assert.ok(Date.now() - started >= 1400, 'it waited');
  assert.ok(
    lines.some((l) => l.startsWith('warn waiting for PostgreSQL')),
    lines.join('\n'),
  );

  await server.stop('fast');
  const giveUp = await waitForDatabase(server.url(), 1, recorder().log).then(
    () => undefined,
    (error: unknown) => error,
  );
  assert.ok(giveUp instanceof StartupError, String(giveUp));
  assert.match(
    giveUp.message,
    /^PostgreSQL at 127\.0\.0\.1:\d+ did not accept a connection within 1 s \(ECONNREFUSED.*\); set DATABASE_WAIT_SECONDS to wait longer$/,
  );
  await server.start();
  // A database that answers but refuses us for another reason (here: it does not exist) is not waited for.
  await assert.rejects(waitForDatabase(server.url('no_such_database'), 30, recorder().log), /does not exist/);
});
