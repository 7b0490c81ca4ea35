import assert from 'node:assert/strict';
import type { App } from '../../src/app.js';
import { admin } from './app.js';

export interface TestKey {
  id: string;
  token: string;
  /** `Authorization: Bearer <token>`. */
  headers: { authorization: string };
}

/** An API key made the way an operator makes one (with the break-glass token, which needs no sudo). */
export async function apiKey(
  app: App,
  permissions: string[],
  opts: { name?: string; performanceIds?: string[]; expiresInDays?: number } = {},
): Promise<TestKey> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/admin/api-keys',
    headers: admin,
    payload: { name: opts.name ?? `key ${permissions.join(' ')}`, permissions, ...opts },
  });
  assert.equal(res.statusCode, 201, res.body);
  const { apiKey: key, token } = res.json();
  return { id: key.id, token, headers: { authorization: `Bearer ${token}` } };
}

/** A door scanner's key: check-in only, optionally bound to performances. */
export const scannerKey = (app: App, performanceIds?: string[]) => apiKey(app, ['checkin.scan'], { name: 'door scanner', performanceIds });
