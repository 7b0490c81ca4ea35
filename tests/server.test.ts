import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { databaseAvailable, skipReason, testDatabase } from './helpers/database.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, deadline: number): Promise<Response> {
  for (;;) {
    try {
      return await fetch(url);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

// The zero-setup path a new user takes: no DATABASE_URL, so the server starts its own PostgreSQL.
test('server: npm start on an empty data dir runs the embedded PostgreSQL, seeds the demo and shuts down cleanly', { timeout: 60_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'taquilla-start-'));
  chmodSync(dataDir, 0o777);
  const [port, paymentPort, pgPort] = [await freePort(), await freePort(), await freePort()];
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, NODE_ENV: 'development', TAQUILLA_DATA_DIR: dataDir, PORT: String(port), PAYMENT_PORT: String(paymentPort), EMBEDDED_PG_PORT: String(pgPort), DATABASE_URL: '', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const health = await waitFor(`http://127.0.0.1:${port}/api/health`, Date.now() + 30_000);
    assert.deepEqual(await health.json(), { status: 'ok', database: 'embedded' });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 10_000, `ready in ${elapsed} ms`);
    const events = await (await fetch(`http://127.0.0.1:${port}/api/events`)).json() as { performances: { status: string }[] }[];
    assert.equal(events[0]!.performances.map((p: { status: string }) => p.status).join(), 'on_sale,scheduled,scheduled');
    const form = await fetch(`http://127.0.0.1:${paymentPort}/health`);
    assert.equal(form.status, 200, 'the test payment provider listens on its own port');
    assert.match(output, /admin token: +\S{20,}/, 'the generated admin token is printed');
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, output);
  // The whole graceful path ran: requests drained, jobs stopped, pool and embedded server closed.
  assert.match(output, /"msg":"stopped"/, output);
});

// With DATABASE_URL no embedded server starts; SIGTERM must still run the whole graceful path.
test('server: with DATABASE_URL, SIGTERM drains and closes everything before exiting', { timeout: 60_000, skip: !databaseAvailable && skipReason }, async () => {
  const database = await testDatabase(1);
  await database.db.destroy();
  const [port, paymentPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, NODE_ENV: 'development', TAQUILLA_DATA_DIR: mkdtempSync(join(tmpdir(), 'taquilla-ext-')), PORT: String(port), PAYMENT_PORT: String(paymentPort), DATABASE_URL: database.url, LOG_LEVEL: 'info', TAQUILLA_SEED_DEMO: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const health = await waitFor(`http://127.0.0.1:${port}/api/health`, Date.now() + 30_000);
    assert.deepEqual(await health.json(), { status: 'ok', database: 'external' });
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, output);
  assert.match(output, /"msg":"stopped"/, output);
  await database.drop();
});
