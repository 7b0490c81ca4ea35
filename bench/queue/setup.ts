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
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

export async function createShowWithRoom(baseUrl: string, token: string): Promise<string> {
  const venue = await adminCall(baseUrl, token, 'POST', '/api/admin/venues', {
    name: 'Queue Bench Hall',
    seats: [],
    gaAreas: [{ name: 'Floor', capacity: GA_CAPACITY }],
  });
  const detail = (await adminCall(baseUrl, token, 'GET', `/api/admin/venues/${venue.id}`)) as { gaAreas: { id: string }[] };
  const event = await adminCall(baseUrl, token, 'POST', '/api/admin/events', {
    slug: `queue-bench-${process.pid}`,
    title: 'Queue Bench Night',
    maxTicketsPerOrder: 4,
    priceCategories: [{ name: 'Floor', price: 4000, currency: 'EUR' }],
  });
  const performance = await adminCall(baseUrl, token, 'POST', `/api/admin/events/${event.id}/performances`, {
    venueId: venue.id,
    startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    onSaleAt: new Date(Date.now() - 60_000).toISOString(),
    pricing: [{ categoryId: event.priceCategories[0].id, gaAreaIds: [detail.gaAreas[0]!.id] }],
  });
  await openSales(baseUrl, token, performance.id);
  await adminCall(baseUrl, token, 'GET', `/api/admin/performances/${performance.id}/queue`);
  const room = await adminCall(baseUrl, token, 'PUT', `/api/admin/performances/${performance.id}/queue`, ROOM_BOUNDS);
  if (!room.enabled || room.state !== 'open') throw new Error(`the room is not open: ${JSON.stringify(room).slice(0, 300)}`);
  return performance.id as string;
}

/** One request from a fan's own source address, on a fresh connection, as a phone would make it. */
function fanRequest(url: URL, index: number, method: string, headers: http.OutgoingHttpHeaders, expected: number): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        agent: false,
        localAddress: sourceAddress(index),
        headers,
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          res.statusCode === expected
            ? resolve(JSON.parse(text))
            : reject(new Error(`${method} ${url.pathname} answered ${res.statusCode}: ${text.slice(0, 300)}`)),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * One fan joining, then asking for its status once, as the queue page does at once: the room
 * admits only places that have asked (a place that never does is skipped after 15 s).
 */
async function joinOne(url: URL, statusUrl: URL, index: number): Promise<{ queueTicket: string; state: string }> {
  const joined = await fanRequest(url, index, 'POST', { 'x-queue-key': `bench-fan-${process.pid}-${index}`, 'content-length': 0 }, 201);
  await fanRequest(statusUrl, index, 'GET', { authorization: `Queue ${joined.queueTicket}` }, 200);
  return joined;
}

/** `fans` join the line, `parallel` at a time; returns their queue tickets in joining order. */
export async function joinFans(
  baseUrl: string,
  performanceId: string,
  fans: number,
  parallel = 32,
): Promise<{ tickets: string[]; states: Record<string, number> }> {
  const url = new URL(`/api/performances/${performanceId}/queue`, baseUrl);
  const statusUrl = new URL('/api/queue/status', baseUrl);
  const tickets = new Array<string>(fans);
  const states: Record<string, number> = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = next++; i < fans; i = next++) {
        const joined = await joinOne(url, statusUrl, i);
        tickets[i] = joined.queueTicket;
        states[joined.state] = (states[joined.state] ?? 0) + 1;
      }
    }),
  );
  return { tickets, states };
}

/** Opens sales; the server's sales schedule may have opened them first (the on-sale time has passed), which is as good. */
async function openSales(baseUrl: string, token: string, performanceId: string): Promise<void> {
  try {
    await adminCall(baseUrl, token, 'POST', `/api/admin/performances/${performanceId}/open`, {});
  } catch (error) {
    const { status } = await adminCall(baseUrl, token, 'GET', `/api/performances/${performanceId}`);
    if (status !== 'on_sale') throw error;
  }
}
