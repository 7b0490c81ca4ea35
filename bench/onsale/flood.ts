import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { count, flags, numberFlag, required, sleep } from '../checkout/common.js';
import { DEFAULT_MIX, floodAddresses } from './traffic.js';
import { errorCode, parseAnswer } from './wire.js';

/**
 * The flood: C keep-alive connections spread over N source addresses in a few /24s, each keeping
 * D requests in flight (pipelined) and sending the next as soon as an answer is in, from
 * `--start-at` (epoch ms) for `--duration` seconds. It ignores Retry-After, as an attacker would.
 * The mix is what junk traffic looks like at an on-sale: the home page, the event list, queue
 * joins with a fresh device key each, status polls with made-up tickets, and holds without an
 * access token. Prints one JSON line with its figures at the end. Talks to 127.0.0.1 only.
 */
export interface FloodResult {
  seconds: number;
  sources: number;
  prefixes: number;
  connections: number;
  depth: number;
  /** Requests written inside the window, by kind. */
  offered: Record<string, number>;
  /** Answers received inside the window, by `kind status code`. */
  answers: Record<string, number>;
  /** Socket errors and requests lost to a closed connection, by kind. */
  failures: Record<string, number>;
  connects: number;
  latency: { p50: number; p99: number; max: number };
  clientCpuSeconds: number;
}

const f = flags(process.argv.slice(2));
const target = new URL(required(f, 'url'));
if (target.hostname !== '127.0.0.1') throw new Error(`only 127.0.0.1 is allowed, got ${target.host}`);
const performanceId = required(f, 'performance');
const gaAreaId = required(f, 'ga');
const sourceCount = numberFlag(f, 'sources', 256);
const prefixes = numberFlag(f, 'prefixes', 4);
const connections = numberFlag(f, 'connections', sourceCount);
const depth = numberFlag(f, 'depth', 4);
const startAt = numberFlag(f, 'start-at', Date.now());
const durationMs = numberFlag(f, 'duration', 60) * 1000;
const mixSpec = f.get('mix') ?? DEFAULT_MIX;
const TIMEOUT_MS = 10_000;

const sources = floodAddresses(sourceCount, prefixes);
const host = `Host: ${target.host}\r\n`;

/** Kinds and how each request is written; `join` needs a fresh key each time. */
const junkTickets = Array.from({ length: 509 }, () => `q1.${randomBytes(60).toString('base64url')}.${randomBytes(32).toString('base64url')}`);
const holdBody = JSON.stringify({ gaAreaId, quantity: 2 });
let serial = 0;
const builders: Record<string, () => Buffer> = (() => {
  const home = Buffer.from(`GET / HTTP/1.1\r\n${host}Accept: text/html\r\nUser-Agent: Mozilla/5.0\r\n\r\n`, 'latin1');
  const events = Buffer.from(`GET /api/events HTTP/1.1\r\n${host}Accept: application/json\r\n\r\n`, 'latin1');
  const status = junkTickets.map((t) => Buffer.from(`GET /api/queue/status HTTP/1.1\r\n${host}Authorization: Queue ${t}\r\n\r\n`, 'latin1'));
  const hold = Buffer.from(
    `POST /api/performances/${performanceId}/holds HTTP/1.1\r\n${host}Content-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(holdBody)}\r\n\r\n${holdBody}`,
    'latin1',
  );
  const joinHead = `POST /api/performances/${performanceId}/queue HTTP/1.1\r\n${host}Content-Length: 0\r\nX-Queue-Key: flood-${process.pid}-`;
  return {
    home: () => home,
    events: () => events,
    join: () => Buffer.from(`${joinHead}${++serial}\r\n\r\n`, 'latin1'),
    status: () => status[++serial % status.length]!,
    hold: () => hold,
  };
})();

/** A fixed, interleaved schedule of kinds (100 slots) from the mix weights. */
const schedule: string[] = (() => {
  const weights = mixSpec.split(',').map((part) => {
    const [kind, weight] = part.split(':');
    if (!kind || !builders[kind] || !(Number(weight) >= 0)) throw new Error(`bad --mix entry "${part}" (kinds: ${Object.keys(builders).join(', ')})`);
    return { kind, weight: Number(weight) };
  });
  const total = weights.reduce((a, w) => a + w.weight, 0);
  const out: string[] = [];
  const credit = weights.map(() => 0);
  for (let slot = 0; slot < 100; slot++) {
    weights.forEach((w, i) => (credit[i]! += w.weight / total));
    const best = credit.indexOf(Math.max(...credit));
    credit[best]! -= 1;
    out.push(weights[best]!.kind);
  }
  return out;
})();

let start = Infinity;
let end = Infinity;
let stopping = false;
let nextSlot = 0;
let connects = 0;
const offered: Record<string, number> = {};
const answers: Record<string, number> = {};
const failures: Record<string, number> = {};
const inWindow = (at: number) => at >= start && at < end;
/** Answer times in 0.1 ms steps up to 10 s: percentiles without keeping millions of samples. */
const histogram = new Uint32Array(100_001);
let maxLatency = 0;

function connection(index: number): Promise<void> {
  const localAddress = sources[index % sources.length]!;
  return new Promise((resolve) => {
    let socket: net.Socket;
    let pending: Buffer = Buffer.alloc(0);
    let inflight: { kind: string; at: number }[] = [];
    let failedConnects = 0;

    const send = () => {
      const kind = schedule[nextSlot++ % schedule.length]!;
      const at = performance.now();
      inflight.push({ kind, at });
      if (inWindow(at)) count(offered, kind);
      socket.write(builders[kind]!());
    };
    const open = () => {
      if (stopping) return resolve();
      pending = Buffer.alloc(0);
      inflight = [];
      connects++;
      socket = net.connect({ host: target.hostname, port: Number(target.port), localAddress }, () => {
        failedConnects = 0;
        socket.cork();
        for (let i = 0; i < depth; i++) send();
        socket.uncork();
      });
      socket.setNoDelay(true);
      socket.setTimeout(TIMEOUT_MS, () => socket.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      socket.on('data', onData);
      socket.on('error', (error: NodeJS.ErrnoException) => {
        if (socket.connecting) failedConnects++;
        if (inWindow(performance.now())) count(failures, `socket ${error.code ?? error.message}`);
      });
      socket.on('close', () => {
        const now = performance.now();
        if (inWindow(now)) for (const r of inflight) count(failures, `${r.kind} lost (connection closed)`);
        if (stopping) return resolve();
        // Reconnect at once after a normal close; back off a little while connects fail.
        setTimeout(open, failedConnects ? Math.min(1000, 10 * 2 ** failedConnects) : 1);
      });
    };
    function onData(chunk: Buffer) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let from = 0;
      let closing = false;
      for (;;) {
        let p: ReturnType<typeof parseAnswer>;
        try {
          p = parseAnswer(pending, from);
        } catch (error) {
          count(failures, `bad answer: ${(error as Error).message}`);
          socket.destroy();
          return;
        }
        if (!p) break;
        const sent = inflight.shift();
        const now = performance.now();
        if (sent && inWindow(now)) {
          const code = p.status >= 300 ? errorCode(pending, p) : '';
          count(answers, `${sent.kind} ${p.status}${code ? ` ${code}` : ''}`);
          const ms = now - sent.at;
          histogram[Math.min(100_000, Math.round(ms * 10))]!++;
          if (ms > maxLatency) maxLatency = ms;
        }
        from = p.end;
        if (p.close) {
          closing = true;
          break;
        }
        if (stopping) continue;
        send();
      }
      pending = from >= pending.length ? Buffer.alloc(0) : pending.subarray(from);
      if (closing) socket.end();
      else if (stopping && inflight.length === 0) socket.end();
    }
    open();
  });
}

function percentile(q: number): number {
  let total = 0;
  for (const n of histogram) total += n;
  if (!total) return 0;
  const want = Math.ceil(q * total);
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen >= want) return i / 10;
  }
  return histogram.length / 10;
}

const wait = startAt - Date.now();
if (wait > 0) await sleep(wait);
const cpuBefore = process.cpuUsage();
start = performance.now();
end = start + durationMs;
const runs = Array.from({ length: connections }, (_, i) => connection(i));
// SIGTERM ends the window early (the crowd bench stops the flood when its run ends).
await Promise.race([sleep(durationMs), new Promise((resolve) => process.once('SIGTERM', resolve))]);
const cpu = process.cpuUsage(cpuBefore);
end = Math.min(end, performance.now());
stopping = true;
await Promise.race([Promise.all(runs), sleep(3000)]);
const result: FloodResult = {
  seconds: (end - start) / 1000,
  sources: sources.length,
  prefixes,
  connections,
  depth,
  offered,
  answers,
  failures,
  connects,
  latency: { p50: percentile(0.5), p99: percentile(0.99), max: maxLatency },
  clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
};
console.log(JSON.stringify(result));
process.exit(0);
