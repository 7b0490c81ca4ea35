import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AppContext } from '../platform/context.js';
import { isDraining } from '../platform/http/health.routes.js';
import { metricsClassOf, requestRecorder, type RequestRecorder } from '../platform/http/request-metrics.js';
import { networkPrefix, type createClientAddress } from './client-address.js';
import { rawRefusal, refusalHeaders } from './refusal-answers.js';
import { earlyRouteClass } from './route-classes.js';

type ClientAddress = ReturnType<typeof createClientAddress>;

/** Early refusals are counted in the request metrics by the class their route (or path) names, as Fastify counts them. */
const recorderFor = (route: string): RequestRecorder => requestRecorder(metricsClassOf(route));

const pathOf = (url: string) => {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
};

/**
 * The shield's refusals that need no promise, answered in the HTTP server's request handler
 * before Fastify: a blocked address, or a limit its address or network already ran out of
 * (shield.gateEarly). A flood is mostly such requests, and Fastify's machinery (routing, request
 * and reply objects, hooks, serialisers) costs more than the answer. The answer is the one
 * Fastify's hook gives (sendRefusal), headers in the same order, from precomputed parts. Anything
 * else, and anything not plainly told (earlyRouteClass), goes on to Fastify, whose gate decides.
 */
export function createEarlyRefusal(ctx: AppContext, clientAddress: ClientAddress, requestId: (req: IncomingMessage) => string) {
  const { shield } = ctx;
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!shield.enabled) return false;
    const client = clientAddress.client(req);
    if (!shield.mayRefuseEarly(client.ip, client.prefix)) return false;
    const started = performance.now();
    const url = req.url ?? '';
    const route = earlyRouteClass(req.method, url);
    // While draining each answer closes its connection (registerDraining): Fastify answers then.
    if (route === undefined || isDraining(ctx)) return false;
    const refusal = shield.gateEarly(route.cls, client.ip, client.prefix);
    if (refusal === undefined) return false;
    const path = pathOf(url);
    const { headers, body } = refusalHeaders(refusal, requestId(req), path.startsWith('/api/'));
    res.writeHead(refusal.status, headers);
    res.end(body);
    recorderFor(route.route ?? path).record(refusal.status, (performance.now() - started) / 1000);
    return true;
  };
}

/** The request line at the start of a connection's first bytes: method and target, or undefined while incomplete. */
function requestLine(chunk: Buffer): { method: string; url: string } | undefined {
  const end = chunk.indexOf(10 /* \n */);
  if (end === -1 || end > 8192) return undefined;
  const line = chunk.toString('latin1', 0, end).trimEnd();
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  if (a <= 0 || b <= a + 1 || !line.startsWith('HTTP/1.', b + 1)) return undefined;
  return { method: line.slice(0, a), url: line.slice(a + 1, b) };
}

const HEAD_END = Buffer.from('\r\n\r\n');
/** A GET or HEAD whose head ends exactly at the chunk's end: the whole request, with no body. */
function endsRequest(chunk: Buffer): boolean {
  return (chunk[0] === 71 /* G */ || chunk[0] === 72) /* H */ && chunk.indexOf(HEAD_END) === chunk.length - 4;
}

/** How long a connection from a blocked address may take to send its request line, as headersTimeout. */
const FIRST_BYTES_MS = 10_000;
/** How long a refused connection is kept for the client to read the answer and close. */
const LINGER_MS = 5_000;

/**
 * Refuses connections from blocked addresses before HTTP is parsed. Only where the socket's
 * address is the client's: a connection from a trusted proxy (TRUSTED_PROXIES) carries many
 * clients, and is left to the request handler, which refuses by the forwarded address. The first
 * bytes are read once, by hand: when the request line names a route a block refuses outright
 * (earlyRouteClass), the connection gets the same 429 as the request would, with `connection:
 * close`, and no HTTP parser, request or response object is made. A request a block may let
 * through (an admitted buyer's checkout behind a carrier NAT, the doors, an operator's console),
 * or anything not plainly read, is handed to the HTTP server with its bytes, as if never looked at.
 * Addresses not blocked cost one Map lookup per connection.
 */
export function refuseBlockedConnections(server: Server, ctx: AppContext, clientAddress: ClientAddress, requestId: () => string): { closePending(): void } {
  const { shield } = ctx;
  const listeners = server.listeners('connection') as ((socket: Socket) => void)[];
  const http = listeners[0];
  /** Connections being read or refused here: the HTTP server's closeIdleConnections does not know them. */
  const pending = new Set<Socket>();
  const closePending = () => {
    for (const socket of pending) socket.destroy();
  };
  if (!shield.enabled || http === undefined) return { closePending };
  server.removeListener('connection', http);
  server.prependListener('connection', (socket: Socket) => {
    const ip = socket.remoteAddress;
    if (ip === undefined || shield.blockedFor(ip) === 0 || clientAddress.isTrustedProxy(ip)) {
      http.call(server, socket);
      return;
    }
    const started = performance.now();
    const failed = () => socket.destroy();
    pending.add(socket);
    socket.once('close', () => pending.delete(socket));
    socket.on('error', failed);
    socket.setTimeout(FIRST_BYTES_MS, failed);
    socket.once('data', (chunk: Buffer) => {
      socket.setTimeout(0);
      const line = requestLine(chunk);
      const route = line && !isDraining(ctx) ? earlyRouteClass(line.method, line.url) : undefined;
      const prefix = networkPrefix(ip);
      const refusal = route && shield.gateEarly(route.cls, ip, prefix);
      if (!line || !route || !refusal) {
        socket.pause();
        pending.delete(socket);
        socket.removeListener('error', failed);
        socket.removeListener('timeout', failed);
        http.call(server, socket);
        socket.unshift(chunk);
        socket.resume();
        return;
      }
      const path = pathOf(line.url);
      const answer = rawRefusal(refusal, requestId(), path.startsWith('/api/'), line.method === 'HEAD');
      if (endsRequest(chunk)) {
        // The whole request and nothing after it (no body, no second request): nothing is left
        // unread, so closing at once sends the answer and a FIN, without waiting for the client.
        socket.write(answer, failed);
      } else {
        // Bytes may still come (a body, a pipelined request): read and drop them until the client
        // closes, since closing with unread bytes resets the connection and may lose the answer.
        socket.end(answer);
        socket.resume();
        socket.setTimeout(LINGER_MS, failed);
      }
      recorderFor(route.route ?? path).record(refusal.status, (performance.now() - started) / 1000);
    });
  });
  return { closePending };
}
