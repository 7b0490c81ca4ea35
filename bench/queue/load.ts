import { readFileSync } from 'node:fs';
import net from 'node:net';
import { count, flags, MeasureWindow, numberFlag, required, sleep, summarize, type Summary } from '../checkout/common.js';
import { sourceAddress } from './sources.js';

/**
 * The load generator: C keep-alive connections, each from its own 127.x.y.z source address, each
 * sending `GET /api/queue/status` with the next queue ticket (round robin) as soon as the previous
 * answer is in, for a warm-up and then a measured window; then one JSON line with its figures.
 *
 * HTTP/1.1 is written and read by hand over node:net (no pipelining: one request in flight per
 * connection). node:http's client costs about as much CPU per request as a bare server does, so on
 * the reference it would measure itself; this one stays well below a core.
 */
export interface LoadResult {
  seconds: number;
  requests: number;
  latency: Summary;
  /** Non-200 answers and socket failures inside the window, by status or error. */
  errors: Record<string, number>;
  /** `state` of the 200 answers inside the window (the reference answers one constant). */
  states: Record<string, number>;
  /** Mean size of the 200 answers in the window, head and body. */
  bytesPerAnswer: number;
  clientCpuSeconds: number;
}

const f = flags(process.argv.slice(2));
const target = new URL(required(f, 'url'));
if (target.hostname !== '127.0.0.1') throw new Error(`only 127.0.0.1 is allowed, got ${target.host}`);
const tickets = readFileSync(required(f, 'tickets'), 'utf8').split('\n').filter(Boolean);
const connections = numberFlag(f, 'connections', 64);
const warmupMs = numberFlag(f, 'warmup', 3) * 1000;
const durationMs = numberFlag(f, 'duration', 15) * 1000;
const TIMEOUT_MS = 10_000;

const requests = tickets.map((t) => Buffer.from(`GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nAuthorization: Queue ${t}\r\n\r\n`, 'latin1'));
let next = 0;
const measured = new MeasureWindow();
let stopping = false;
const samples: number[] = [];
const errors: Record<string, number> = {};
const states: Record<string, number> = {};
let bytes = 0;
let answered = 0;

const STATE = Buffer.from('"state":"');
const HEAD_END = Buffer.from('\r\n\r\n');

/** One connection's loop: send, read one whole answer, record, repeat until the window ends. */
function connection(index: number): Promise<void> {
  return new Promise((resolve) => {
    let socket: net.Socket;
    let pending: Buffer = Buffer.alloc(0);
    let sentAt = 0;

    const send = () => {
      if (stopping) {
        socket.end();
        return resolve();
      }
      sentAt = performance.now();
      socket.write(requests[next++ % requests.length]!);
    };
    const open = () => {
      pending = Buffer.alloc(0);
      socket = net.connect({ host: target.hostname, port: Number(target.port), localAddress: sourceAddress(index) }, send);
      socket.setNoDelay(true);
      socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error('timeout')));
      socket.on('data', onData);
      socket.on('error', (error: NodeJS.ErrnoException) => {
        if (measured.inWindow(performance.now())) count(errors, error.code ?? error.message);
      });
      // The server may close a connection (an error, a restart): open another and go on.
      socket.on('close', () => (stopping ? resolve() : setTimeout(open, 10)));
    };
    function onData(chunk: Buffer) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      const headEnd = pending.indexOf(HEAD_END);
      if (headEnd < 0) return;
      const head = pending.toString('latin1', 0, headEnd);
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      const total = headEnd + 4 + length;
      if (pending.length < total) return;
      const now = performance.now();
      const status = head.slice(9, 12);
      if (measured.inWindow(now)) {
        samples.push(now - sentAt);
        if (status !== '200') count(errors, `HTTP ${status}`);
        else {
          const at = pending.indexOf(STATE, headEnd);
          count(states, at < 0 ? 'none' : pending.toString('latin1', at + STATE.length, pending.indexOf(0x22, at + STATE.length)));
          bytes += total;
          answered++;
        }
      }
      pending = pending.subarray(total);
      send();
    }
    open();
  });
}

const runs = Array.from({ length: connections }, (_, i) => connection(i));
const clientCpuSeconds = await measured.measure(warmupMs, durationMs);
stopping = true;
await Promise.race([Promise.all(runs), sleep(TIMEOUT_MS)]);
const result: LoadResult = {
  seconds: measured.seconds,
  requests: samples.length,
  latency: summarize(samples),
  errors,
  states,
  bytesPerAnswer: answered ? bytes / answered : 0,
  clientCpuSeconds,
};
console.log(JSON.stringify(result));
process.exit(0);
