import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testApp, type TestApp } from '../../tests/helpers/app.js';
import type { IncomingMessage } from 'node:http';
import { createClientAddress, networkPrefix } from './client-address.js';
import { SHIELD_ON } from './shield.fixtures.js';

describe('client address', () => {
  test('networks are /24 for IPv4 (also when mapped into IPv6) and /48 for IPv6', () => {
    assert.equal(networkPrefix('203.0.113.77'), '203.0.113.0/24');
    assert.equal(networkPrefix('::ffff:203.0.113.77'), '203.0.113.0/24');
    assert.equal(networkPrefix('2001:db8:abcd:12::1'), '2001:db8:abcd::/48');
    assert.equal(networkPrefix('2001:db8:abcd:ffff:1:2:3:4'), '2001:db8:abcd::/48');
  });

  test('the fast lane reads the address once per connection, unless a proxy is trusted', () => {
    const request = (socket: object, forwardedFor?: string) =>
      ({ socket, connection: socket, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }) as unknown as IncomingMessage;
    const direct = createClientAddress([]);
    const socket = { remoteAddress: '203.0.113.9' };
    const first = direct.client(request(socket, '198.51.100.1'));
    assert.deepEqual(first, { ip: '203.0.113.9', prefix: '203.0.113.0/24' }, 'X-Forwarded-For is not read');
    assert.equal(direct.client(request(socket)), first, 'kept on the socket');
    assert.equal(direct.client(request({ remoteAddress: '203.0.114.9' })).prefix, '203.0.114.0/24', 'another connection is read anew');

    const proxied = createClientAddress(['10.0.0.0/8']);
    const proxy = { remoteAddress: '10.1.1.1' };
    assert.deepEqual(proxied.client(request(proxy, '198.51.100.7')), { ip: '198.51.100.7', prefix: '198.51.100.0/24' });
    assert.equal(proxied.client(request(proxy, '192.0.2.8')).ip, '192.0.2.8', 'each request through the proxy says its own client');
  });

  let t: TestApp;
  before(async () => {
    t = await testApp({ ...SHIELD_ON, TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.1' }, 20, { shield: { limits: { browse: { ip: { points: 2, seconds: 60 } } } } });
  });
  after(async () => {
    await t.close();
  });

  const browse = (remoteAddress: string, forwardedFor?: string) =>
    t.app.inject({ url: '/api/events', remoteAddress, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });

  test('a spoofed X-Forwarded-For from an untrusted address changes nothing', async () => {
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await browse('203.0.113.5', `198.51.100.${i}`)).statusCode);
    assert.deepEqual(codes, [200, 200, 429], 'all three counted against the socket address');
  });

  test('through a trusted proxy the forwarded client is the one counted', async () => {
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await browse('10.20.30.40', `198.51.100.${i + 10}`)).statusCode);
    assert.deepEqual(codes, [200, 200, 200], 'three clients behind the proxy, one request each');
    const same = [];
    for (let i = 0; i < 3; i++) same.push((await browse('192.168.1.1', '198.51.100.99')).statusCode);
    assert.deepEqual(same, [200, 200, 429], 'one client behind the proxy, counted as itself');
    // A client cannot hide behind a chain: the right-most untrusted hop is the client.
    const chained = [];
    for (let i = 0; i < 3; i++) chained.push((await browse('10.0.0.1', `1.2.3.${i}, 198.51.100.120`)).statusCode);
    assert.deepEqual(chained, [200, 200, 429]);
  });
});
