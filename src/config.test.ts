import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

const dir = () => mkdtempSync(join(tmpdir(), 'taquilla-config-'));

test('config: defaults follow the documented names and values', () => {
  const config = loadConfig({ TAQUILLA_DATA_DIR: dir() });
  assert.equal(config.port, 3000);
  assert.equal(config.paymentPort, 3001);
  assert.equal(config.holdTtlSeconds, 480);
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.databaseWaitSeconds, 60);
  assert.equal(config.redisRequireAof, true);
  assert.equal(config.metricsPort, undefined, 'no metrics listener unless asked');
  assert.equal(config.metricsHost, '127.0.0.1');
  assert.ok(Object.isFrozen(config));
});

test('config: each invalid setting is refused with its name', () => {
  const cases: [Record<string, string>, string][] = [
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '3000', PAYMENT_PORT: '3000' }, 'PAYMENT_PORT'],
    [{ HOLD_TTL_SECONDS: '1' }, 'HOLD_TTL_SECONDS'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ DATABASE_WAIT_SECONDS: '-1' }, 'DATABASE_WAIT_SECONDS'],
    [{ DATABASE_WAIT_SECONDS: '3601' }, 'DATABASE_WAIT_SECONDS'],
    [{ REDIS_REQUIRE_AOF: 'maybe' }, 'REDIS_REQUIRE_AOF'],
    [{ REDIS_URL: 'http://redis:6379' }, 'REDIS_URL'],
    [{ REDIS_URL: 'redis+sentinel://sentinel:26379' }, 'REDIS_URL'],
    [{ REDIS_URL: 'redis+cluster://node-a:7000,node-b:70000' }, 'REDIS_URL'],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL'],
    [{ TAQUILLA_SECRET: 'short' }, 'TAQUILLA_SECRET'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ NODE_ENV: 'production', TAQUILLA_ADMIN_TOKEN: 'x'.repeat(32) }, 'TAQUILLA_SECRET'],
    [{ NODE_ENV: 'production', TAQUILLA_SECRET: 'x'.repeat(32) }, 'TAQUILLA_ADMIN_TOKEN'],
    [{ TAQUILLA_SEED_DEMO: 'maybe' }, 'TAQUILLA_SEED_DEMO'],
    [{ TICKET_KEY_ID: 'a b' }, 'TICKET_KEY_ID'],
    [{ PORT: '3000', METRICS_PORT: '3000' }, 'METRICS_PORT'],
    [{ PORT: '3000', METRICS_PORT: '3001' }, 'METRICS_PORT'],
    [{ METRICS_PORT: 'nine' }, 'METRICS_PORT'],
    [{ METRICS_PORT: '9464', METRICS_HOST: 'metrics.internal' }, 'METRICS_HOST'],
  ];
  for (const [env, setting] of cases) {
    assert.throws(
      () => loadConfig({ TAQUILLA_DATA_DIR: dir(), ...env }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.equal(error.setting, setting, JSON.stringify(env));
        assert.match(error.message, new RegExp(setting));
        return true;
      },
    );
  }
});

test('config: in development a missing secret is generated once, kept private, and reused', () => {
  const dataDir = dir();
  const first = loadConfig({ TAQUILLA_DATA_DIR: dataDir });
  assert.deepEqual([...first.generated].sort(), ['TAQUILLA_ADMIN_TOKEN', 'TAQUILLA_SECRET']);
  const file = join(dataDir, 'secrets.json');
  assert.ok(existsSync(file));
  assert.equal(statSync(file).mode & 0o077, 0, 'readable by the owner only');
  const second = loadConfig({ TAQUILLA_DATA_DIR: dataDir });
  assert.equal(second.adminToken, first.adminToken);
  assert.equal(second.secret, first.secret);
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).TAQUILLA_SECRET, first.secret);
});
