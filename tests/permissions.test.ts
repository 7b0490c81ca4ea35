import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ROLE_PERMISSIONS, STAFF_ROLES } from '../src/accounts/permissions.js';
import type { StaffRole } from '../src/platform/database.types.js';
import { testApp, type TestApp } from './helpers/app.js';
import { databaseAvailable, skipReason } from './helpers/database.js';
import { cookieOf, ORIGIN, type SignedIn, signedInStaff } from './helpers/staff.js';

/** A route's address with made-up ids: the guard answers before anything looks them up. */
const urlOf = (pattern: string) => pattern.replace(/:(\w+)/g, (_, name: string) => (name === 'action' ? 'pause' : name === 'provider' ? 'test' : randomUUID()));

describe('permissions, route by route', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  const people = new Map<StaffRole, SignedIn>();
  before(async () => {
    t = await testApp();
    for (const role of STAFF_ROLES) people.set(role, await signedInStaff(t.app, role));
  });
  after(async () => {
    await t?.close();
  });

  test('accounts: every operator route declares a permission, and each role is refused exactly the routes whose permission it lacks, naming it', async () => {
    const routes = [...t.app.routePermissions];
    assert.ok(routes.length >= 30, `${routes.length} routes declare a permission`);
    // Every operator route in the OpenAPI document is in the table (the server refuses to start otherwise).
    const doc = (await t.app.inject('/api/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/admin'))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    assert.ok(documented.length >= 30);
    assert.deepEqual(
      documented.filter((route) => !t.app.routePermissions.has(route)),
      [],
    );
    const wrong: string[] = [];
    let checked = 0;
    for (const [route, { permission }] of routes) {
      const [method, pattern] = route.split(' ') as [string, string];
      for (const role of STAFF_ROLES) {
        const person = people.get(role)!;
        const res = await t.app.inject({
          method: method as 'GET',
          url: urlOf(pattern),
          headers: person.headers,
          ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }),
        });
        checked++;
        // A CSV export answers its file, not JSON.
        const json = String(res.headers['content-type']).startsWith('application/json');
        const body = (json ? res.json() : {}) as { error?: { code?: string; permission?: string; scope?: boolean } };
        const refusedForRole = res.statusCode === 403 && body.error?.code === 'forbidden' && !body.error.scope;
        const allowed = ROLE_PERMISSIONS[role].has(permission);
        if (allowed && refusedForRole) wrong.push(`${role} refused ${route} (${permission})`);
        if (!allowed && !(refusedForRole && body.error?.permission === permission))
          wrong.push(`${role} not refused ${route} as ${permission}: ${res.statusCode} ${res.body.slice(0, 100)}`);
      }
    }
    console.log(`# metric ${routes.length} operator routes x ${STAFF_ROLES.length} roles: ${checked} requests`);
    assert.deepEqual(wrong, []);
  });

  test('accounts: no operator route opens to a session without its second factor, nor to one still enrolling', async () => {
    const person = people.get('owner')!;
    const partial = cookieOf(
      await t.app.inject({
        method: 'POST',
        url: '/api/auth/staff/password',
        headers: { origin: ORIGIN },
        payload: { email: person.email, password: person.password },
      }),
    )!;
    const invited = await t.app.inject({
      method: 'POST',
      url: '/api/admin/staff',
      headers: person.headers,
      payload: { email: `enrolling-${process.pid}@example.com`, role: 'owner' },
    });
    const token = decodeURIComponent(new URL(invited.json().invitationUrl).hash.replace('#token=', ''));
    const enrolling = cookieOf(
      await t.app.inject({
        method: 'POST',
        url: '/api/auth/staff/invitation',
        headers: { origin: ORIGIN },
        payload: { token, password: 'yet another long passphrase' },
      }),
    )!;
    for (const [route] of t.app.routePermissions) {
      const [method, pattern] = route.split(' ') as [string, string];
      for (const cookie of [partial, enrolling]) {
        const res = await t.app.inject({
          method: method as 'GET',
          url: urlOf(pattern),
          headers: { origin: ORIGIN },
          cookies: { tq_staff: cookie },
          ...(method === 'GET' ? {} : { payload: {} }),
        });
        assert.equal(res.statusCode, 401, `${route}: ${res.body.slice(0, 80)}`);
      }
    }
  });

  test('accounts: an event manager acts only on their own events', async () => {
    const owner = people.get('owner')!;
    const post = async (url: string, payload: object) => {
      const res = await t.app.inject({ method: 'POST', url, headers: owner.headers, payload });
      assert.ok(res.statusCode < 300, res.body);
      return res.json();
    };
    const venue = await post('/api/admin/venues', { name: 'Scope Hall', seats: [{ section: 'A', row: '1', number: 1, x: 0, y: 0 }], gaAreas: [] });
    const event = (slug: string) => post('/api/admin/events', { slug, title: slug, priceCategories: [{ name: 'A', price: 100, currency: 'EUR' }] });
    const [mine, theirs] = [await event(`mine-${process.pid}`), await event(`theirs-${process.pid}`)];
    const manager = await signedInStaff(t.app, 'event_manager', { eventIds: [mine.id] });
    const patch = (id: string) => t.app.inject({ method: 'PATCH', url: `/api/admin/events/${id}`, headers: manager.headers, payload: { title: 'Renamed' } });
    assert.equal((await patch(mine.id)).statusCode, 200);
    const refused = await patch(theirs.id);
    assert.equal(refused.statusCode, 403);
    assert.deepEqual({ ...refused.json().error, message: undefined }, { code: 'forbidden', permission: 'events.write', scope: true, message: undefined });
    const list = (await t.app.inject({ url: '/api/admin/events', headers: manager.headers })).json() as { id: string }[];
    assert.deepEqual(
      list.map((e) => e.id),
      [mine.id],
      'the list shows only their events',
    );
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/admin/events',
      headers: manager.headers,
      payload: { slug: 'new', title: 'New', priceCategories: [] },
    });
    assert.equal(created.statusCode, 403, 'a new event is for roles not limited to some');
    assert.ok(venue.id);
  });
});
