import { agentFrom, call } from './http.js';

export interface FaultShow {
  performanceId: string;
  seatCategoryId: string;
  gaAreaId: string;
  seats: number;
  gaCapacity: number;
}

const SECTIONS = ['A', 'B', 'C', 'D'];
const ROWS = 20;
const PER_ROW = 25;
const GA_CAPACITY = 100_000;

/**
 * The show, made through the operator API as an operator would: 2,000 seats and a GA floor of
 * 100,000, on sale since a minute ago, so its waiting room is on and open; admissions bounded high
 * enough that the line never holds the load back.
 */
export async function createShow(base: string, adminToken: string): Promise<FaultShow> {
  const agent = agentFrom('127.0.0.1');
  const headers = { authorization: `Bearer ${adminToken}` };
  const post = async (path: string, body: unknown, method = 'POST') => {
    const answer = await call(agent, base, method, path, body, headers);
    if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const seats = [];
  for (const [s, section] of SECTIONS.entries()) {
    for (let r = 1; r <= ROWS; r++) for (let n = 1; n <= PER_ROW; n++) seats.push({ section, row: String(r), number: n, x: s * 400 + n * 14, y: r * 14 });
  }
  const venue = await post('/api/admin/venues', { name: 'Fault Hall', seats, gaAreas: [{ name: 'Floor', capacity: GA_CAPACITY }] });
  const event = await post('/api/admin/events', {
    slug: `faults-${Date.now()}`,
    title: 'Fault Night',
    maxTicketsPerOrder: 8,
    priceCategories: [
      { name: 'Seats', price: 5000, currency: 'EUR' },
      { name: 'Floor', price: 3000, currency: 'EUR' },
    ],
  });
  const category = (name: string) => (event.priceCategories as { id: string; name: string }[]).find((c) => c.name === name)!.id;
  const detail = (await call(agent, base, 'GET', `/api/admin/venues/${venue.id}`, undefined, headers)).body;
  const gaAreaId = detail.gaAreas[0].id as string;
  const performance = await post(`/api/admin/events/${event.id}/performances`, {
    venueId: venue.id,
    startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    onSaleAt: new Date(Date.now() - 60_000).toISOString(),
    pricing: [
      { categoryId: category('Seats'), sections: SECTIONS },
      { categoryId: category('Floor'), gaAreaIds: [gaAreaId] },
    ],
  });
  // Its on-sale time has passed: the sales schedule may have opened it already.
  const opened = await call(agent, base, 'POST', `/api/admin/performances/${performance.id}/open`, {}, headers);
  if (opened.status !== 200 && opened.status !== 409) throw new Error(`open answered ${opened.status}: ${JSON.stringify(opened.body)}`);
  await post(
    `/api/admin/performances/${performance.id}/queue`,
    { enabled: true, maxAdmissionsPerMinute: 100_000, maxInCheckout: 5000, graceSeconds: 600, startLimitSeconds: 600 },
    'PUT',
  );
  agent.destroy();
  return { performanceId: performance.id, seatCategoryId: category('Seats'), gaAreaId, seats: seats.length, gaCapacity: GA_CAPACITY };
}

/** The line's counters as the console shows them. */
export async function queueCounters(base: string, adminToken: string, performanceId: string): Promise<{ joined: number; served: number }> {
  const agent = agentFrom('127.0.0.1');
  try {
    const answer = await call(agent, base, 'GET', `/api/admin/performances/${performanceId}/queue`, undefined, { authorization: `Bearer ${adminToken}` });
    if (answer.status !== 200) throw new Error(`queue view answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return { joined: answer.body.joined, served: answer.body.served };
  } finally {
    agent.destroy();
  }
}
