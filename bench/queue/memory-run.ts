/**
 * One measurement of `bench/queue/memory.ts`, in a process of its own (run with --expose-gc):
 * `--store memory|redis --fans N [--cost-rounds R] [--redis-url URL]`. Prints one JSON line.
 *
 * Joins N fans the way `queue.service.ts` does (a device key hashed to `d:<sha256>`, a random-looking
 * ticket id, `store.join`, the signed queue ticket), then polls each once through `status()` and
 * `statusJson()`, the two calls the HTTP fast lane makes per poll. The process's memory after
 * forced garbage collection is compared with the same before the joins. The bench keeps no ticket:
 * each is signed again from its fan number just before its poll (outside the timed part), so what
 * stays in memory is what the store and the signer keep.
 *
 * With `--cost-rounds`, a second room of 1,000 fans is then made and the poll cost is measured in
 * rounds, alternating 20,000 polls of random fans of the small room and 20,000 of the big one.
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Db } from '../../src/platform/transaction.js';
import { createMemoryStore } from '../../src/waiting-room/memory-store.js';
import type { QueueStore, RoomConfig } from '../../src/waiting-room/queue-store.js';
import { createQueueSigner } from '../../src/waiting-room/queue-tokens.js';
import { createQueue } from '../../src/waiting-room/queue.service.js';
import { createRedisStore } from '../../src/waiting-room/redis-store.js';
import type { Rooms } from '../../src/waiting-room/rooms.js';
import { statusJson } from '../../src/waiting-room/status.js';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'memory' },
    fans: { type: 'string', default: '1000' },
    'cost-rounds': { type: 'string', default: '0' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
  },
});
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const N = Number(values.fans);
const costRounds = Number(values['cost-rounds']);
const T0 = 1_800_000_000_000;
let now = T0;
const clock = { now: () => now };

const uuid = (seed: string) => {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const config = (performanceId: string): RoomConfig => ({
  performanceId,
  enabled: true,
  state: 'open',
  salesStatus: 'on_sale',
  onSaleAt: null,
  maxInCheckout: 100,
  maxAdmissionsPerMinute: 600,
  graceMs: 3_600_000,
  startLimitMs: 600_000,
  movedTo: null,
});
/** Fan i's ticket id and device key: derived, so nothing per fan is kept by the bench. */
const ticketIdOf = (room: string, i: number) => createHash('sha256').update(`ticket:${room}:${i}`).digest('hex').slice(0, 32);
const buyerKeyOf = (room: string, i: number) => `d:${createHash('sha256').update(`device:${room}:${i}`).digest('base64url')}`;
const joinedAtOf = (i: number) => T0 + i;

const prefix = `taquilla:bench:memory:${process.pid}:`;
const store: QueueStore = values.store === 'redis' ? createRedisStore({ url: values['redis-url']!, prefix, timeoutMs: 10_000 }) : createMemoryStore();
await store.ready();
const redis = values.store === 'redis' ? (store as ReturnType<typeof createRedisStore>).client : undefined;
const signer = createQueueSigner('bench-secret-bench-secret-bench-secret', 'k1');
const queue = createQueue({ db: {} as Db, store, rooms: {} as Rooms, signer, clock });

async function redisUsed(): Promise<number> {
  if (!redis) return 0;
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)![1]);
}

function memory() {
  for (let i = 0; i < 4; i++) gc!();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external, rss: m.rss };
}

/** Joins fans [from, to) of `room`, concurrently in batches for Redis (ioredis pipelines them). */
async function joinAll(room: string, count: number): Promise<void> {
  const batch = redis ? 500 : 1;
  for (let i = 0; i < count; i += batch) {
    const work: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(count, i + batch); j++) {
      now = joinedAtOf(j);
      work.push(
        store.join(room, buyerKeyOf(room, j), { ticketId: ticketIdOf(room, j), joinedAt: now }, now).then((r) => {
          if (!r?.created || r.entry.place !== j + 1) throw new Error(`fan ${j} got ${JSON.stringify(r)}`);
          // Signed as the join answer does; not kept.
          signer.ticket(r.entry);
        }),
      );
    }
    await Promise.all(work);
  }
}

const ticketOf = (room: string, i: number) =>
  `Queue ${signer.ticket({ performanceId: room, ticketId: ticketIdOf(room, i), place: i + 1, joinedAt: joinedAtOf(i), pre: false })}`;

let sink = 0;
/**
 * Polls the given fans through the fast lane's two calls; returns wall-clock and this thread's CPU
 * ns per poll (tickets signed before the clocks start). CPU time leaves out the moments another
 * process had the core, which on a shared machine is most of the noise in the wall clock.
 */
async function pollTimed(room: string, fans: number[]): Promise<{ wall: number; cpu: number }> {
  const tickets = fans.map((i) => ticketOf(room, i));
  const cpu = process.threadCpuUsage();
  const started = process.hrtime.bigint();
  if (redis) {
    const answers = await Promise.all(tickets.map((t) => queue.status(t)));
    for (const a of answers) sink += statusJson(a).length;
  } else {
    for (const t of tickets) {
      const a = queue.status(t);
      if (a instanceof Promise) throw new Error('the memory store answers without a promise');
      sink += statusJson(a).length;
    }
  }
  const wall = Number(process.hrtime.bigint() - started) / fans.length;
  const used = process.threadCpuUsage(cpu);
  return { wall, cpu: ((used.user + used.system) * 1000) / fans.length };
}

async function pollAll(room: string, count: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < count; i += 1000) {
    const fans = [];
    for (let j = i; j < Math.min(count, i + 1000); j++) fans.push(j);
    total += (await pollTimed(room, fans)).wall * fans.length;
  }
  return total / count;
}

// The code paths warmed on a small room of their own, so the baseline has them compiled.
const warm = uuid(`warm:${process.pid}`);
await store.configure(config(warm));
await joinAll(warm, 2000);
now = T0 + 10_000_000;
await pollAll(warm, 2000);

const room = uuid(`room:${process.pid}`);
await store.configure(config(room));
const before = memory();
const redisBefore = await redisUsed();
const joinStart = process.hrtime.bigint();
await joinAll(room, N);
const joinNs = Number(process.hrtime.bigint() - joinStart) / N;
now = T0 + N + 60_000;
const pollNs = await pollAll(room, N);
const after = memory();
const redisAfter = await redisUsed();
const line = await store.line(room);
if (line?.joined !== N) throw new Error(`the line has ${line?.joined} places, expected ${N}`);

let keys: Record<string, number> | undefined;
if (redis) {
  keys = {};
  for (const k of await redis.keys(`${prefix}{${room}}:*`)) keys[k.slice(k.lastIndexOf(':') + 1)] = Number(await redis.memory('USAGE', k, 'SAMPLES', 0));
}

let cost: { small: number[]; big: number[]; smallCpu: number[]; bigCpu: number[] } | undefined;
if (costRounds > 0) {
  const small = uuid(`small:${process.pid}`);
  await store.configure(config(small));
  await joinAll(small, 1000);
  now = T0 + N + 120_000;
  await pollAll(small, 1000);
  cost = { small: [], big: [], smallCpu: [], bigCpu: [] };
  const c = cost;
  const measure = async (into: 'small' | 'big', id: string, fans: number[]) => {
    const t = await pollTimed(id, fans);
    c[into].push(t.wall);
    c[into === 'small' ? 'smallCpu' : 'bigCpu'].push(t.cpu);
  };
  // mulberry32: an LCG's low bits repeat within 64 draws, which would poll a few fans over and over.
  let seed = 12345;
  const random = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
  for (let r = 0; r < costRounds; r++) {
    const pick = (n: number) => Array.from({ length: 20_000 }, () => random(n));
    const a = pick(1000);
    const b = pick(N);
    // Alternate which room goes first, so neither always follows the other.
    if (r % 2 === 0) {
      await measure('small', small, a);
      await measure('big', room, b);
    } else {
      await measure('big', room, b);
      await measure('small', small, a);
    }
  }
}

if (redis) {
  for (const id of [warm, room, uuid(`small:${process.pid}`)]) {
    const ks = await redis.keys(`${prefix}{${id}}:*`);
    for (const k of ks) await redis.unlink(k);
  }
}
await store.close();
console.log(
  JSON.stringify({
    store: values.store,
    fans: N,
    before,
    after,
    redisBefore,
    redisAfter,
    keys,
    joinNs,
    pollNs,
    cost,
    sink: sink > 0,
  }),
);
