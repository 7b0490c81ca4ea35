import http from 'node:http';
import { sourceAddress } from './sources.js';

/**
 * The queue bench's show, made through the operator API: a GA-only venue with fewer places than
 * fans (so most answers carry the "N people ahead of you and M tickets left" message), a
 * performance whose on-sale time has passed, sales open, and its room with slow admissions, so
 * nearly every fan is `waiting` through the run and a few are `admitted` (their answers sign an
 * access token), as in a real on-sale.
 */
export const GA_CAPACITY = 1000;
export const ROOM_BOUNDS = { maxInCheckout: 50, maxAdmissionsPerMinute: 60, graceSeconds: 3600, startLimitSeconds: 3600 };

async function adminCall(baseUrl: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${baseUrl}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

export async function createShowWithRoom(baseUrl: string, token: string): Promise<string> {
  const venue = await adminCall(baseUrl, token, 'POST', '/api/admin/venues', { name: 'Queue Bench Hall', seats: [], gaAreas: [{ name: 'Floor', capacity: GA_CAPACITY }] });
  const detail = await adminCall(baseUrl, token, 'GET', `/api/admin/venues/${venue.id}`) as { gaAreas: { id: string }[] };
  const event = await adminCall(baseUrl, token, 'POST', '/api/admin/events', {
    slug: `queue-bench-${process.pid}`, title: 'Queue Bench Night', maxTicketsPerOrder: 4, priceCategories: [{ name: 'Floor', price: 4000, currency: 'EUR' }],
  });
  const performance = await adminCall(baseUrl, token, 'POST', `/api/admin/events/${event.id}/performances`, {
    venueId: venue.id, startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), onSaleAt: new Date(Date.now() - 60_000).toISOString(),
    pricing: [{ categoryId: event.priceCategories[0].id, gaAreaIds: [detail.gaAreas[0]!.id] }],
  });
  await adminCall(baseUrl, token, 'POST', `/api/admin/performances/${performance.id}/open`, {});
  await adminCall(baseUrl, token, 'GET', `/api/admin/performances/${performance.id}/queue`);
  const room = await adminCall(baseUrl, token, 'PUT', `/api/admin/performances/${performance.id}/queue`, ROOM_BOUNDS);
  if (!room.enabled || room.state !== 'open') throw new Error(`the room is not open: ${JSON.stringify(room).slice(0, 300)}`);
  return performance.id as string;
}

/** One fan joining from its own source address, on a fresh connection, as a phone would. */
function joinOne(url: URL, index: number): Promise<{ queueTicket: string; state: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent: false, localAddress: sourceAddress(index),
      headers: { 'x-queue-key': `bench-fan-${process.pid}-${index}`, 'content-length': 0 }, timeout: 10_000,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => (res.statusCode === 201 ? resolve(JSON.parse(text)) : reject(new Error(`join answered ${res.statusCode}: ${text.slice(0, 300)}`))));
    });
    req.on('timeout', () => req.destroy(new Error('join timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** `fans` join the line, `parallel` at a time; returns their queue tickets in joining order. */
export async function joinFans(baseUrl: string, performanceId: string, fans: number, parallel = 32): Promise<{ tickets: string[]; states: Record<string, number> }> {
  const url = new URL(`/api/performances/${performanceId}/queue`, baseUrl);
  const tickets = new Array<string>(fans);
  const states: Record<string, number> = {};
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    for (let i = next++; i < fans; i = next++) {
      const joined = await joinOne(url, i);
      tickets[i] = joined.queueTicket;
      states[joined.state] = (states[joined.state] ?? 0) + 1;
    }
  }));
  return { tickets, states };
}
