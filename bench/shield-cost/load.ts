import net from 'node:net';
import { count, flags, MeasureWindow, numberFlag, required, sleep } from '../checkout/common.js';
import { errorCode, parseAnswer } from '../onsale/wire.js';

/**
 * The shield-cost load generator: C clients, each one request in flight, for a warm-up and then a
 * measured window (bounded by --duration and --max-requests), then one JSON line of figures.
 * Talks to 127.0.0.1 only; source addresses are `--sources A.B` plus the client's index
 * (127.A.B+⌊i/256⌋.i%256), so each client is an address of its own to the shield.
 *
 * - `--mode keepalive`: each client keeps one connection and sends the next request as soon as
 *   the answer is in. With `--per-address N` a client moves to a fresh source address (and
 *   connection) after N answers, so an address never gets far enough to be blocked.
 * - `--mode connect`: each request on a new connection, as a blocked client must when every
 *   attempt is refused and closed: connect, send, read the answer, wait for the close, again.
 *
 * With `--rate R` the clients together send R requests a second (each on its own schedule, the
 * next request when both its time has come and the last answer is in), so every phase is
 * measured at the same pace: the kernel's share of a request (waking the reader, one write per
 * answer) depends on how many answers a wake-up carries, so CPU per request is only comparable
 * between phases at the same rate.
 *
 * HTTP/1.1 is written and read by hand over node:net (the flood's parser, bench/onsale/wire.ts):
 * node:http's client costs about as much as a small server, so it would measure itself.
 */
export interface LoadResult {
  seconds: number;
  /** Answers received inside the window, by `status code`. */
  answers: Record<string, number>;
  /** Answers whose head said `connection: close`. */
  closing: number;
  /** Connections opened inside the window. */
  connects: number;
  failures: Record<string, number>;
  clientCpuSeconds: number;
}

const f = flags(process.argv.slice(2));
const target = new URL(required(f, 'url'));
if (target.hostname !== '127.0.0.1') throw new Error(`only 127.0.0.1 is allowed, got ${target.host}`);
const mode = f.get('mode') ?? 'keepalive';
if (mode !== 'keepalive' && mode !== 'connect') throw new Error(`--mode is keepalive or connect, got ${mode}`);
const clients = numberFlag(f, 'clients', 64);
const [srcA, srcB] = (f.get('sources') ?? '20.0').split('.').map(Number) as [number, number];
const perAddress = numberFlag(f, 'per-address', Number.POSITIVE_INFINITY);
/** Client i's k-th address: (k * clients + i), so no two clients ever share one. */
const addressCount = numberFlag(f, 'addresses', clients);
const warmupMs = numberFlag(f, 'warmup', 1) * 1000;
const durationMs = numberFlag(f, 'duration', 5) * 1000;
const maxRequests = numberFlag(f, 'max-requests', 2_000_000);
/** Requests per second over all clients (0: as fast as answers come). Each client sends on its own schedule. */
const rate = f.get('rate') === '0' ? 0 : numberFlag(f, 'rate', 0);
const intervalMs = rate ? (clients * 1000) / rate : 0;
const TIMEOUT_MS = 10_000;

const request = Buffer.from(`GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nAccept: application/json\r\n\r\n`, 'latin1');
const source = (n: number) => {
  const index = n % Math.max(addressCount, clients);
  return `127.${srcA}.${(srcB + (index >> 8)) & 255}.${index & 255}`;
};

const measured = new MeasureWindow();
let stopping = false;
let sent = 0;
let closing = 0;
let connects = 0;
const answers: Record<string, number> = {};
const failures: Record<string, number> = {};

function client(index: number): Promise<void> {
  return new Promise((resolve) => {
    let socket: net.Socket;
    let pending: Buffer = Buffer.alloc(0);
    let generation = 0;
    let onThisAddress = 0;
    let awaiting = false;
    let due = performance.now() + (intervalMs * index) / clients;

    /** The next request now, or at its scheduled time under --rate. */
    const next = () => {
      if (!intervalMs) return send();
      due += intervalMs;
      const wait = due - performance.now();
      if (wait > 0) setTimeout(send, wait);
      // Fallen behind (the server or this client is slower than the rate): no burst to catch up.
      else {
        due = performance.now();
        send();
      }
    };
    const send = () => {
      if (stopping || sent >= maxRequests) {
        stopping = true;
        socket.end();
        return;
      }
      sent++;
      awaiting = true;
      socket.write(request);
    };
    const open = () => {
      if (stopping) return resolve();
      pending = Buffer.alloc(0);
      awaiting = false;
      if (measured.inWindow(performance.now())) connects++;
      const localAddress = source(generation * clients + index);
      socket = net.connect({ host: target.hostname, port: Number(target.port), localAddress }, next);
      socket.setNoDelay(true);
      socket.setTimeout(TIMEOUT_MS, () => socket.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      socket.on('data', onData);
      socket.on('error', (error: NodeJS.ErrnoException) => {
        if (measured.inWindow(performance.now())) count(failures, `socket ${error.code ?? error.message}`);
      });
      socket.on('close', () => {
        if (awaiting && measured.inWindow(performance.now())) count(failures, 'closed before the answer');
        if (stopping) return resolve();
        setImmediate(open);
      });
    };
    function onData(chunk: Buffer) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let p: ReturnType<typeof parseAnswer>;
      try {
        p = parseAnswer(pending, 0);
      } catch (error) {
        count(failures, `bad answer: ${(error as Error).message}`);
        socket.destroy();
        return;
      }
      if (!p) return;
      awaiting = false;
      if (measured.inWindow(performance.now())) {
        count(answers, `${p.status} ${p.status >= 300 ? errorCode(pending, p) : ''}`.trim());
        if (p.close) closing++;
      }
      pending = pending.subarray(p.end);
      onThisAddress++;
      // A closing answer, a connect-per-request client, or an address used up: a new connection.
      if (p.close || mode === 'connect' || onThisAddress >= perAddress) {
        if (onThisAddress >= perAddress) {
          onThisAddress = 0;
          generation++;
        }
        socket.end();
        return;
      }
      next();
    }
    open();
  });
}

const runs = Array.from({ length: clients }, (_, i) => client(i));
const clientCpuSeconds = await measured.measure(warmupMs, durationMs);
stopping = true;
await Promise.race([Promise.all(runs), sleep(3000)]);
const result: LoadResult = {
  seconds: measured.seconds,
  answers,
  closing,
  connects,
  failures,
  clientCpuSeconds,
};
console.log(JSON.stringify(result));
process.exit(0);
