import pkg from '../../package.json' with { type: 'json' };
import { Gauge } from 'prom-client';
import { queuedBacklog } from '../notifications/outbox.repository.js';
import { roomReadings, type RoomReading } from '../waiting-room/room-metrics.js';
import type { AppContext } from './context.js';
import { poolStats } from './database.js';
import { collectProcessMetrics, metrics } from './metrics.js';

/**
 * The figures read when Prometheus scrapes, not kept up to date per request: the waiting room's
 * lines, the load signal, shield mode, the database pool, the outbox backlog and the build. They
 * come from the context the app was built with (bindScrapeSources); a scrape never fails because
 * a dependency is away: the line of a room Redis cannot answer for is left out, and the outbox
 * backlog reads -1 while the database does not answer.
 */
let source: AppContext | undefined;

/** How long the outbox count is reused, and how long a scrape waits for it. */
const OUTBOX_CACHE_MS = 10_000;
const OUTBOX_TIMEOUT_MS = 1000;

/**
 * Several gauges read the same lines within one scrape: the registry calls every gauge's collect
 * in one synchronous loop, so a read still in flight is shared, and the next scrape reads anew.
 */
function perScrape<T>(read: (ctx: AppContext) => Promise<T>): (ctx: AppContext) => Promise<T> {
  let inFlight: { ctx: AppContext; value: Promise<T> } | undefined;
  return (ctx) => {
    if (inFlight?.ctx === ctx) return inFlight.value;
    const value = read(ctx).finally(() => {
      if (inFlight?.value === value) inFlight = undefined;
    });
    inFlight = { ctx, value };
    return value;
  };
}

/** A read reused for `ms`, so a scrape every few seconds costs the database one count per `ms`. */
function cached<T>(ms: number, read: (ctx: AppContext) => Promise<T>): (ctx: AppContext) => Promise<T> {
  let last: { ctx: AppContext; at: number; value: Promise<T> } | undefined;
  return (ctx) => {
    const now = Date.now();
    if (!last || last.ctx !== ctx || now - last.at > ms) last = { ctx, at: now, value: read(ctx) };
    return last.value;
  };
}

const rooms = perScrape<RoomReading[]>((ctx) => roomReadings(ctx.waitingRoom).catch(() => []));

/** The outbox backlog within OUTBOX_TIMEOUT_MS, or -1 for both figures while the database does not answer. */
export async function outboxBacklog(db: AppContext['db']): Promise<{ queued: number; oldestSeconds: number }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), OUTBOX_TIMEOUT_MS);
  });
  const counted = queuedBacklog(db).catch(() => undefined);
  const backlog = await Promise.race([counted, late]).finally(() => clearTimeout(timer));
  return backlog ?? { queued: -1, oldestSeconds: -1 };
}

const outbox = cached(OUTBOX_CACHE_MS, (ctx) => outboxBacklog(ctx.db));

type PerRoom = Exclude<keyof RoomReading, 'performanceId' | 'limitedBy'>;
const roomGauge = (name: string, help: string, field: PerRoom) =>
  new Gauge({
    name,
    help,
    labelNames: ['performance'] as const,
    registers: [metrics],
    async collect() {
      this.reset();
      if (!source) return;
      for (const room of await rooms(source)) this.set({ performance: room.performanceId }, room[field]);
    },
  });

roomGauge('taquilla_queue_length', 'Fans in a live waiting room not yet let in (the pre-queue before the draw)', 'waiting');
roomGauge('taquilla_queue_admissions_per_minute', 'Fans a waiting room let in over the last 60 seconds', 'admissionsPerMinute');
roomGauge('taquilla_queue_allowed_per_minute', "Admission rate allowed now: the operator's bound scaled by checkout's health", 'allowedPerMinute');
roomGauge('taquilla_queue_bound_per_minute', "The operator's bound on admissions per minute", 'maxPerMinute');
roomGauge('taquilla_queue_in_checkout', 'Fans let in and not yet through checkout (admitted without a hold, and active holds)', 'activeInCheckout');
roomGauge('taquilla_queue_checkout_slots', 'How many fans a waiting room lets be in checkout at once', 'maxInCheckout');
roomGauge('taquilla_queue_tickets_left', 'Tickets left to sell, as the waiting room last measured them', 'ticketsLeft');

new Gauge({
  name: 'taquilla_queue_limited_by',
  help: 'What holds admissions back now, 1 for the current signal: not_open, none, tickets_held, checkout_full, checkout_errors, checkout_latency, operator_rate',
  labelNames: ['performance', 'signal'] as const,
  registers: [metrics],
  async collect() {
    this.reset();
    if (!source) return;
    for (const room of await rooms(source)) this.set({ performance: room.performanceId, signal: room.limitedBy }, 1);
  },
});

const loadGauge = (name: string, help: string, read: (ctx: AppContext) => number) =>
  new Gauge({
    name,
    help,
    registers: [metrics],
    collect() {
      if (source) this.set(read(source));
    },
  });
loadGauge(
  'taquilla_admission_health_factor',
  "This process's factor (0.1 to 1) scaling admission rates by checkout's health",
  (c) => c.waitingRoom.load.last().factor,
);
loadGauge(
  'taquilla_admission_checkout_error_share',
  'Share of checkout steps failing (5xx), as the admission tick last read it',
  (c) => c.waitingRoom.load.last().errorShare,
);
loadGauge(
  'taquilla_admission_checkout_seconds',
  'Mean time of a checkout step, as the admission tick last read it',
  (c) => c.waitingRoom.load.last().checkoutMs / 1000,
);

new Gauge({
  name: 'taquilla_shield_mode',
  help: "1 while shield mode is on (proof of work for joins and sign-ins), 0 off; setting: auto, or an operator's forced on/off",
  labelNames: ['setting'] as const,
  registers: [metrics],
  collect() {
    this.reset();
    if (!source) return;
    const view = source.shield.view();
    this.set({ setting: view.setting }, view.mode === 'on' ? 1 : 0);
  },
});
loadGauge('taquilla_shield_pressure', 'Load-shedding pressure (1 = at capacity): the worse of event-loop delay and requests in progress', (c) =>
  c.shield.shedder.pressure(),
);

const poolGauge = (name: string, help: string, field: 'size' | 'inUse' | 'idle' | 'waiting') => loadGauge(name, help, (c) => poolStats(c.db)?.[field] ?? 0);
poolGauge('taquilla_db_pool_size', 'Connections the database pool may open (DATABASE_POOL_SIZE)', 'size');
poolGauge('taquilla_db_pool_in_use', 'Database connections checked out now', 'inUse');
poolGauge('taquilla_db_pool_idle', 'Database connections open and idle', 'idle');
poolGauge('taquilla_db_pool_waiting', 'Queries waiting for a database connection', 'waiting');

const outboxGauge = (name: string, help: string, field: 'queued' | 'oldestSeconds') =>
  new Gauge({
    name,
    help,
    registers: [metrics],
    async collect() {
      if (source) this.set((await outbox(source))[field]);
    },
  });
outboxGauge('taquilla_outbox_backlog', 'Emails queued in the outbox, read at most every 10 s; -1 while the database does not answer', 'queued');
outboxGauge('taquilla_outbox_oldest_seconds', 'How long the oldest queued email has waited; -1 while the database does not answer', 'oldestSeconds');

new Gauge({
  name: 'taquilla_build_info',
  help: 'Always 1: the sealed front-end build id this process serves, and the package version',
  labelNames: ['build', 'version'] as const,
  registers: [metrics],
  collect() {
    this.reset();
    if (source) this.set({ build: source.buildId, version: pkg.version }, 1);
  },
});

/**
 * Reads the scrape-time figures from `ctx` from now on (the last app built wins: one per
 * process, several in tests), and turns on the process metrics. Returns the undo, for app close.
 */
export function bindScrapeSources(ctx: AppContext): () => void {
  collectProcessMetrics();
  source = ctx;
  return () => {
    if (source === ctx) source = undefined;
  };
}
