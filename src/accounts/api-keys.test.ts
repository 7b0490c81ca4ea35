import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { admin, testApp, type TestApp } from '../../tests/helpers/app.js';
import { apiKey } from '../../tests/helpers/api-keys.js';
import { databaseAvailable, skipReason } from '../../tests/helpers/database.js';
import { createShow } from '../../tests/helpers/fixtures.js';
import { type SignedIn, signedInStaff } from '../../tests/helpers/staff.js';
import { createApiKey, keyRefusedPermissions } from './api-keys.service.js';
import type { Permission } from './permissions.js';
import type { Principal } from './principal.js';
import { sha256Hex } from './secrets.js';

const urlOf = (pattern: string) => pattern.replace(/:(\w+)/g, (_, name: string) => (name === 'action' ? 'pause' : name === 'provider' ? 'test' : randomUUID()));

describe('api keys', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  let owner: SignedIn;
  before(async () => {
    t = await testApp();
    owner = await signedInStaff(t.app, 'owner');
  });
  after(async () => {
    await t?.close();
  });

  const create = (payload: object, headers: Record<string, string> = owner.headers) =>
    t.app.inject({ method: 'POST', url: '/api/admin/api-keys', headers, payload });

  test('api keys: a key is answered once, stored only as the hash of its secret, and opens its routes until revoked', async () => {
    const res = await create({ name: 'Box office reports', permissions: ['orders.read', 'sales.read'], expiresInDays: 30 });
    assert.equal(res.statusCode, 201, res.body);
    const { apiKey: view, token } = res.json();
    const [, publicId, secret] = /^tqk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/.exec(token) ?? [];
    assert.ok(publicId && secret, token);
    assert.equal(view.prefix, `tqk_${publicId}`);
    assert.deepEqual([view.status, view.lastUsedAt, view.createdBy], ['active', null, `staff:${owner.id}`]);
    assert.ok(Math.abs(Date.parse(view.expiresAt) - Date.now() - 30 * 86_400_000) < 60_000);

    const row = await t.ctx.db.selectFrom('api_keys').selectAll().where('id', '=', view.id).executeTakeFirstOrThrow();
    assert.equal(row.secret_hash, sha256Hex(secret));
    const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('subject_id', '=', view.id).execute();
    assert.deepEqual(
      audit.map((a) => a.action),
      ['accounts.api_key.created'],
    );
    const everything = JSON.stringify([row, audit, (await t.app.inject({ url: '/api/admin/api-keys', headers: owner.headers })).json()]);
    assert.ok(!everything.includes(secret), 'the secret is nowhere: not in the table, the audit log or the list');

    const bearer = { authorization: `Bearer ${token}` };
    assert.equal((await t.app.inject({ url: '/api/admin/orders', headers: bearer })).statusCode, 200);
    const refused = await t.app.inject({ url: '/api/admin/outbox', headers: bearer });
    assert.deepEqual([refused.statusCode, refused.json().error.permission], [403, 'outbox.read']);
    assert.equal(
      (await t.app.inject({ url: '/api/admin/orders', headers: { authorization: `Bearer tqk_${publicId}_${'A'.repeat(43)}` } })).statusCode,
      401,
      'the public id alone opens nothing',
    );

    const principal = await t.ctx.principals.fromBearer(token);
    assert.equal(principal?.kind, 'api_key');
    assert.equal(principal?.refundLimit, t.ctx.config.refundSudoAbove, 'a key refunds only what a person may without a fresh second factor');

    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/admin/api-keys/${view.id}`, headers: owner.headers });
    assert.equal(revoked.statusCode, 200);
    assert.deepEqual([revoked.json().status, revoked.json().revokedReason], ['revoked', 'manual']);
    assert.equal((await t.app.inject({ url: '/api/admin/orders', headers: bearer })).statusCode, 401);
    const again = await t.app.inject({ method: 'DELETE', url: `/api/admin/api-keys/${view.id}`, headers: owner.headers });
    assert.equal(again.statusCode, 200, 'revoking twice is harmless');
    const actions = await t.ctx.db.selectFrom('audit_log').select('action').where('subject_id', '=', view.id).execute();
    assert.deepEqual(
      actions.map((a) => a.action),
      ['accounts.api_key.created', 'accounts.api_key.revoked'],
    );
    assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/admin/api-keys/${randomUUID()}`, headers: owner.headers })).statusCode, 404);
  });

  test('api keys: making one needs a second factor shown in the last five minutes', async () => {
    const person = await signedInStaff(t.app, 'admin');
    await sql`UPDATE sessions SET second_factor_at = now() - interval '6 minutes' WHERE subject_id = ${person.id}`.execute(t.ctx.db);
    const res = await create({ name: 'late', permissions: ['orders.read'] }, person.headers);
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.code, 'sudo_required');
    assert.equal((await t.app.inject({ url: '/api/admin/api-keys', headers: person.headers })).statusCode, 200, 'listing needs no sudo');
  });

  test('api keys: bad input is a 400 naming the field; no key holds what needs a person', async () => {
    const cases: [object, string][] = [
      [{ name: '', permissions: ['orders.read'] }, 'body.name'],
      [{ name: 'x', permissions: [] }, 'body.permissions'],
      [{ name: 'x', permissions: ['orders.everything'] }, 'body.permissions.0'],
      [{ name: 'x', permissions: ['orders.read'], expiresInDays: 400 }, 'body.expiresInDays'],
      [{ name: 'x', permissions: ['orders.read'], performanceIds: [randomUUID()] }, 'body.performanceIds'],
      [{ name: 'x', permissions: ['checkin.scan'], performanceIds: [randomUUID()] }, 'body.performanceIds'],
      [{ name: 'x', permissions: ['orders.read', 'staff.manage'] }, 'body.permissions'],
      [{ name: 'x', permissions: ['api_keys.manage'] }, 'body.permissions'],
    ];
    for (const [payload, field] of cases) {
      const res = await create(payload);
      assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
      assert.equal(res.json().error.field, field, JSON.stringify(payload));
    }
    const show = await createShow(t.app);
    assert.equal((await create({ name: 'door 1', permissions: ['checkin.scan'], performanceIds: [show.performanceId] })).statusCode, 201);
  });

  test('api keys: a key holds only permissions its creator holds', async () => {
    const creator: Principal = {
      kind: 'staff',
      id: randomUUID(),
      name: 'narrow',
      role: 'admin',
      permissions: new Set<Permission>(['api_keys.manage', 'orders.read']),
      eventIds: null,
      performanceIds: null,
      refundLimit: null,
      viaCookie: true,
    };
    await assert.rejects(
      createApiKey(t.ctx.db, creator, { name: 'wider', permissions: ['orders.read', 'events.write'] }),
      (error: { status: number; details: object }) => {
        assert.equal(error.status, 403);
        assert.deepEqual(error.details, { permission: 'events.write' });
        return true;
      },
    );
    const { key } = await createApiKey(t.ctx.db, creator, { name: 'same', permissions: ['orders.read'] });
    assert.deepEqual(key.permissions, ['orders.read']);
  });

  test('api keys: a key is refused exactly the routes whose permission it lacks, naming it', async () => {
    const held = ['orders.read', 'events.read', 'checkin.scan', 'audit.read', 'access.review'];
    const key = await apiKey(t.app, held);
    const wrong: string[] = [];
    for (const [route, { permission }] of t.app.routePermissions) {
      const [method, pattern] = route.split(' ') as [string, string];
      const res = await t.app.inject({
        method: method as 'GET',
        url: urlOf(pattern),
        headers: key.headers,
        ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }),
      });
      // A CSV export answers CSV when allowed; refusals are always JSON.
      const json = String(res.headers['content-type']).startsWith('application/json');
      const body = (json ? res.json() : {}) as { error?: { code?: string; permission?: string } };
      const refused = res.statusCode === 403 && body.error?.code === 'forbidden';
      if (held.includes(permission) === refused) wrong.push(`${route} (${permission}): ${res.statusCode} ${res.body.slice(0, 80)}`);
      if (refused && body.error?.permission !== permission) wrong.push(`${route} refused naming ${body.error?.permission}, not ${permission}`);
    }
    assert.deepEqual(wrong, []);
  });

  test('api keys: no key may hold a permission that a route needing a fresh second factor needs', async () => {
    const refused = keyRefusedPermissions(t.app.routePermissions.values());
    const sudo = [...t.app.routePermissions].filter(([, r]) => r.sudo);
    assert.ok(sudo.length >= 4);
    for (const [route, { permission }] of sudo) {
      assert.ok(refused.has(permission), route);
      const res = await create({ name: 'too much', permissions: [permission] });
      assert.equal(res.statusCode, 400, `${route}: ${res.body}`);
      assert.equal(res.json().error.code, 'permission_not_for_keys');
    }
  });

  test('api keys: the last use is recorded at most once a minute; an expired key opens nothing', async () => {
    const key = await apiKey(t.app, ['orders.read']);
    const lastUsed = async () => (await t.ctx.db.selectFrom('api_keys').select('last_used_at').where('id', '=', key.id).executeTakeFirstOrThrow()).last_used_at;
    const use = () => t.app.inject({ url: '/api/admin/orders', headers: key.headers });
    assert.equal(await lastUsed(), null);
    assert.equal((await use()).statusCode, 200);
    const first = await lastUsed();
    assert.ok(first);
    await use();
    assert.equal((await lastUsed())?.getTime(), first.getTime(), 'a second use within the minute writes nothing');
    await sql`UPDATE api_keys SET last_used_at = now() - interval '2 minutes' WHERE id = ${key.id}`.execute(t.ctx.db);
    await use();
    assert.ok((await lastUsed())!.getTime() > first.getTime() - 1000);
    const listed = (await t.app.inject({ url: '/api/admin/api-keys', headers: admin })).json().apiKeys.find((k: { id: string }) => k.id === key.id);
    assert.ok(listed.lastUsedAt);

    await sql`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = ${key.id}`.execute(t.ctx.db);
    assert.equal((await use()).statusCode, 401);
    const expired = (await t.app.inject({ url: '/api/admin/api-keys', headers: admin })).json().apiKeys.find((k: { id: string }) => k.id === key.id);
    assert.equal(expired.status, 'expired');
  });
});
