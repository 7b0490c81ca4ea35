import assert from 'node:assert/strict';
import type { App } from '../app.js';
import { admin, type TestApp } from '../../tests/helpers/app.js';
import { createShow, type Show } from '../../tests/helpers/fixtures.js';
import type { RoomConfig } from './queue-store.js';
import type { RoomPatch } from './queue.schemas.js';

/** Helpers for the waiting-room tests: a show with its room switched on, fans joining and polling. */

export async function roomShow(t: TestApp, bounds: Omit<RoomPatch, 'enabled'> = {}, show?: Show): Promise<Show> {
  const s = show ?? (await createShow(t.app, { rows: 4, perRow: 10, gaCapacity: 100 }));
  const res = await t.app.inject({
    method: 'PUT',
    url: `/api/admin/performances/${s.performanceId}/queue`,
    headers: admin,
    payload: { enabled: true, ...bounds },
  });
  assert.equal(res.statusCode, 200, res.body);
  return s;
}

export interface Fan {
  key: string;
  queueTicket: string;
  ticketId: string;
  performanceId: string;
  state: string;
}

/** Joins and asks for the status once, as the queue page does: only a place that has asked is admitted. */
export async function join(app: App, performanceId: string, key: string): Promise<Fan> {
  const res = await app.inject({ method: 'POST', url: `/api/performances/${performanceId}/queue`, headers: { 'x-queue-key': key } });
  assert.equal(res.statusCode, 201, res.body);
  const fan: Fan = { ...res.json(), key };
  const polled = await app.inject({ url: '/api/queue/status', headers: { authorization: `Queue ${fan.queueTicket}` } });
  assert.equal(polled.statusCode, 200, polled.body);
  return fan;
}

export async function joinMany(app: App, performanceId: string, count: number, prefix = 'fan'): Promise<Fan[]> {
  const fans: Fan[] = [];
  for (let i = 0; i < count; i++) fans.push(await join(app, performanceId, `${prefix}-${String(i).padStart(6, '0')}`));
  return fans;
}

export async function status(app: App, queueTicket: string) {
  const res = await app.inject({ url: '/api/queue/status', headers: { authorization: `Queue ${queueTicket}` } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

export function holdWith(app: App, performanceId: string, body: object, accessToken?: string) {
  return app.inject({
    method: 'POST',
    url: `/api/performances/${performanceId}/holds`,
    headers: accessToken ? { 'x-access-token': accessToken } : {},
    payload: body,
  });
}

export async function roomView(app: App, performanceId: string) {
  const res = await app.inject({ url: `/api/admin/performances/${performanceId}/queue`, headers: admin });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

/** Freezes the waiting room's clock at `at` and returns a setter to move it. */
export function fakeClock(t: TestApp, at = Date.now()) {
  let now = at;
  t.ctx.waitingRoom.clock.now = () => now;
  return {
    get now() {
      return now;
    },
    set(ms: number) {
      now = ms;
    },
    advance(ms: number) {
      now += ms;
      return now;
    },
  };
}

/** A room's settings for store tests: open, on sale, generous bounds; `over` changes any. */
export const roomConfig = (performanceId: string, over: Partial<RoomConfig> = {}): RoomConfig => ({
  performanceId,
  enabled: true,
  state: 'open',
  salesStatus: 'on_sale',
  onSaleAt: null,
  maxInCheckout: 100,
  maxAdmissionsPerMinute: 600,
  graceMs: 30_000,
  startLimitMs: 60_000,
  movedTo: null,
  ...over,
});
