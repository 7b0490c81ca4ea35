import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import Fastify from 'fastify';
import { registerErrorHandler } from './error-handler.js';
import { loggerOptions } from './logger.js';
import { registerRequestId, requestIdFor } from './request-id.js';

test('logs: every line of a request carries its reqId, and no address, query string, cookie or data quoted by an error', async () => {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const options = loggerOptions('info') as object;
  const app = Fastify({ logger: { ...options, stream }, requestIdHeader: false, genReqId: requestIdFor(() => true) });
  registerRequestId(app);
  registerErrorHandler(app);
  app.get('/api/orders', async () => {
    // What pg says of a unique violation: the message names the constraint, `detail` quotes the row.
    throw Object.assign(new Error('duplicate key value violates unique constraint "customers_email_key"'), {
      code: 'XX000',
      detail: 'Key (email)=(ana@example.com) already exists.',
      where: 'SQL statement "INSERT INTO customers VALUES (\'Ana Rivera\')"',
    });
  });
  const res = await app.inject({
    url: '/api/orders?email=ana@example.com',
    headers: { 'x-request-id': 'nginx-0123456789', authorization: 'Bearer tqk_secret', cookie: 'tq_staff=secret' },
    remoteAddress: '203.0.113.50',
  });
  await app.close();
  assert.equal(res.statusCode, 500);
  assert.equal(res.headers['x-request-id'], 'nginx-0123456789');
  assert.deepEqual(
    lines.map((line) => line.msg),
    ['incoming request', 'request failed', 'request completed'],
  );
  assert.ok(
    lines.every((line) => line.reqId === 'nginx-0123456789'),
    'one id on every line',
  );
  assert.deepEqual(lines[0]!.req, { id: 'nginx-0123456789', method: 'GET', path: '/api/orders' });
  const text = JSON.stringify(lines);
  for (const secret of ['ana@example.com', 'Ana Rivera', '203.0.113.50', 'tqk_secret', 'tq_staff', 'email='])
    assert.ok(!text.includes(secret), `${secret} in ${text}`);
  assert.ok(text.includes('customers_email_key'), 'the error itself is still logged');
});
