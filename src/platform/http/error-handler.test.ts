import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import Fastify from 'fastify';
import { AppError } from '../errors.js';
import { metrics } from '../metrics.js';
import { registerErrorHandler } from './error-handler.js';

/** A bare app with the error handler, routes that throw what a lost database throws, and its log lines. */
async function appThrowing(errors: Record<string, unknown>) {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = Fastify({ logger: { level: 'info', stream } });
  registerErrorHandler(app);
  for (const [path, error] of Object.entries(errors)) {
    app.get(path, async () => {
      throw error;
    });
  }
  await app.ready();
  return { app, errorLines: () => lines.filter((l) => l.level >= 50) };
}

const refused = async (code: string) => {
  const text = await metrics.getSingleMetricAsString('taquilla_refusals_total');
  return Number(new RegExp(`code="${code}"} (\\d+)`).exec(text)?.[1] ?? 0);
};

test('errors: a lost database answers 503 database_unavailable with Retry-After on any route, counted and not logged', async () => {
  const { app, errorLines } = await appThrowing({
    '/refused': Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    '/terminated': new Error('Connection terminated unexpectedly'),
    '/shutdown': Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    '/starting': Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
    '/full': Object.assign(new Error('sorry, too many clients already'), { code: '53300' }),
    '/pool': new Error('timeout exceeded when trying to connect'),
  });
  const before = await refused('database_unavailable');
  for (const path of ['/refused', '/terminated', '/shutdown', '/starting', '/full', '/pool']) {
    const res = await app.inject({ url: path });
    assert.equal(res.statusCode, 503, path);
    assert.equal(res.headers['retry-after'], '2', path);
    assert.equal(res.json().error.code, 'database_unavailable', path);
    assert.doesNotMatch(res.body, /127\.0\.0\.1|ECONNREFUSED|administrator/, 'nothing about the database leaks');
  }
  assert.equal(await refused('database_unavailable'), before + 6);
  assert.deepEqual(errorLines(), []);
  await app.close();
});

test('errors: queue_unavailable and busy are counted, not logged; an unexpected error is still logged as 500', async () => {
  const { app, errorLines } = await appThrowing({
    '/queue': new AppError('queue_unavailable', 503, 'The line is unavailable for a moment; retry in a second', { retryAfter: 1 }),
    '/deadlock': Object.assign(new Error('deadlock detected'), { code: '40P01' }),
    '/bug': new Error('a bug'),
  });
  const queue = await app.inject({ url: '/queue' });
  assert.equal(queue.statusCode, 503);
  assert.equal(queue.headers['retry-after'], '1');
  assert.equal(queue.json().error.message, 'The line is unavailable for a moment; retry in a second', 'an expected refusal says what to do');
  assert.equal((await app.inject({ url: '/deadlock' })).json().error.code, 'busy');
  assert.deepEqual(errorLines(), []);
  const bug = await app.inject({ url: '/bug' });
  assert.equal(bug.statusCode, 500);
  assert.deepEqual(bug.json(), { error: { code: 'internal', message: 'Internal error' } });
  assert.equal(errorLines().length, 1);
  await app.close();
});
