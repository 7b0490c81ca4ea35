import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cluster, Redis } from 'ioredis';
import { createRedisClient, describeRedis, parseRedisUrl, RedisUrlError } from './redis.js';

test('REDIS_URL: one server, a cluster or a master behind sentinels, each read with its defaults', () => {
  assert.deepEqual(parseRedisUrl('redis://:secret@cache:6380/2/'), { kind: 'server', url: 'redis://:secret@cache:6380/2' });
  assert.deepEqual(parseRedisUrl('rediss+cluster://app:p%40ss@node-a:7000,node-b,[::1]:7002'), {
    kind: 'cluster',
    nodes: [
      { host: 'node-a', port: 7000 },
      { host: 'node-b', port: 6379 },
      { host: '::1', port: 7002 },
    ],
    tls: true,
    username: 'app',
    password: 'p@ss',
  });
  assert.deepEqual(parseRedisUrl('redis+sentinel://:secret@s1:26380,s2/mymaster/3?sentinelPassword=watch'), {
    kind: 'sentinel',
    sentinels: [
      { host: 's1', port: 26380 },
      { host: 's2', port: 26379 },
    ],
    name: 'mymaster',
    db: 3,
    tls: false,
    password: 'secret',
    sentinelPassword: 'watch',
  });
});

test('REDIS_URL: what cannot be used is refused, saying why', () => {
  const refused: [string, RegExp][] = [
    ['memcached://cache:11211', /must be redis:\/\/host:port, redis\+cluster:\/\//],
    ['redis+sentinel://s1:26379', /needs the master name/],
    ['redis+sentinel://s1:26379/mymaster/x', /takes \/master-name or \/master-name\/db/],
    ['redis+sentinel://s1:26379/mymaster?password=x', /sentinelUsername and sentinelPassword only/],
    ['redis+cluster://a:7000,b:99999', /"b:99999" has no valid port/],
    ['redis+cluster://a:7000,,b:7001', /"" is not host or host:port/],
    ['redis+cluster://a:7000/1', /database 0 only/],
  ];
  for (const [url, reason] of refused)
    assert.throws(
      () => parseRedisUrl(url),
      (e: unknown) => e instanceof RedisUrlError && reason.test(e.message),
      url,
    );
});

test('REDIS_URL: messages name the hosts, never a password', () => {
  assert.equal(describeRedis('redis://:secret@cache:6380'), 'Redis at cache:6380');
  assert.equal(describeRedis('redis+cluster://:secret@a:7000,b:7001'), 'Redis Cluster a:7000,b:7001');
  assert.equal(describeRedis('redis+sentinel://:secret@s1,s2:26380/mymaster'), 'Redis master "mymaster" of the sentinels s1:26379,s2:26380');
});

test('REDIS_URL: the factory makes a cluster client for a cluster, a plain one otherwise', () => {
  const clients = [
    createRedisClient('redis://127.0.0.1:1', { lazyConnect: true }),
    createRedisClient('redis+cluster://127.0.0.1:1,127.0.0.1:2', { lazyConnect: true }),
    createRedisClient('redis+sentinel://127.0.0.1:1/mymaster', { lazyConnect: true }),
  ];
  try {
    assert.deepEqual(
      clients.map((c) => (c instanceof Cluster ? 'cluster' : c instanceof Redis ? 'redis' : 'other')),
      ['redis', 'cluster', 'redis'],
    );
    const sentinel = clients[2] as Redis;
    assert.deepEqual([sentinel.options.name, sentinel.options.sentinels], ['mymaster', [{ host: '127.0.0.1', port: 1 }]]);
  } finally {
    for (const c of clients) c.disconnect();
  }
});
