import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { freePort } from '../../tests/helpers/net.js';
import { connect } from './database.js';
import { outboxBacklog } from './metrics.scrape.js';

test('metrics: the outbox backlog reads -1 at once when PostgreSQL refuses connections, so the scrape still answers', async () => {
  const db = connect(`postgres://taquilla@127.0.0.1:${await freePort()}/taquilla`, 2);
  try {
    assert.deepEqual(await outboxBacklog(db), { queued: -1, oldestSeconds: -1 });
  } finally {
    await db.destroy();
  }
});

test('metrics: the outbox backlog gives up after a second on a database that never answers', async () => {
  const sockets: Socket[] = [];
  const silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const db = connect(`postgres://taquilla@127.0.0.1:${(silent.address() as { port: number }).port}/taquilla`, 2);
  try {
    const started = Date.now();
    assert.deepEqual(await outboxBacklog(db), { queued: -1, oldestSeconds: -1 });
    const waited = Date.now() - started;
    assert.ok(waited >= 900 && waited < 3000, `waited ${waited} ms`);
  } finally {
    for (const socket of sockets) socket.destroy();
    silent.close();
    await db.destroy().catch(() => {});
  }
});
