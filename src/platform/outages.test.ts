import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from './errors.js';
import { metrics } from './metrics.js';
import { dependencyState, isDatabaseUnavailable, isOutage } from './outages.js';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

test('outages: refused connections, ended connections and PostgreSQL shutdown codes mean the database is away; a constraint error does not', () => {
  for (const error of [
    pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
    pgError('ECONNRESET'),
    pgError('57P01', 'terminating connection due to administrator command'),
    pgError('57P02'),
    pgError('57P03', 'the database system is starting up'),
    pgError('53300', 'sorry, too many clients already'),
    pgError('08006'),
    new Error('Connection terminated unexpectedly'),
    new Error('Connection terminated due to connection timeout'),
    new Error('timeout exceeded when trying to connect'),
    new Error('Client has encountered a connection error and is not queryable'),
    new AggregateError([pgError('ECONNREFUSED'), pgError('ECONNREFUSED')], 'connect failed'),
    new AppError('database_unavailable', 503, 'x'),
  ]) {
    assert.equal(isDatabaseUnavailable(error), true, String(error));
  }
  for (const error of [pgError('23505'), pgError('40P01'), new Error('boom'), new AppError('internal', 500, 'x'), undefined, 'ECONNREFUSED']) {
    assert.equal(isDatabaseUnavailable(error), false, String(error));
  }
  assert.equal(isOutage(new AppError('queue_unavailable', 503, 'x')), true);
  assert.equal(isOutage(new AppError('hold_expired', 409, 'x')), false);
});

test('outages: a dependency going away and coming back is logged once each way, however many failures come between', async () => {
  const lines: { level: string; message: string; data: Record<string, unknown> }[] = [];
  const log = {
    info: (data: object, message: string) => lines.push({ level: 'info', message, data: data as Record<string, unknown> }),
    error: (data: object, message: string) => lines.push({ level: 'error', message, data: data as Record<string, unknown> }),
  };
  const state = dependencyState('database', 'database', log);
  state.recovered();
  assert.equal(lines.length, 0, 'nothing to say while it answers');
  for (let i = 0; i < 50; i++) state.down(pgError('ECONNREFUSED', 'connect ECONNREFUSED'));
  assert.equal(state.up, false);
  for (let i = 0; i < 50; i++) state.recovered();
  assert.equal(state.up, true);
  assert.deepEqual(
    lines.map((l) => [l.level, l.message]),
    [
      ['error', 'database unreachable; requests that need it answer 503 until it is back'],
      ['info', 'database reachable again'],
    ],
  );
  assert.equal(lines[0]!.data.reason, 'ECONNREFUSED: connect ECONNREFUSED');
  const text = await metrics.metrics();
  assert.match(text, /taquilla_dependency_outages_total\{dependency="database"\} [1-9]/);
  assert.match(text, /taquilla_dependency_up\{dependency="database"\} 1/);
});
