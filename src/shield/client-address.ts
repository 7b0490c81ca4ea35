import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import ipaddr from 'ipaddr.js';
import proxyAddr from 'proxy-addr';

/** A client address and its network (see networkPrefix), kept on the socket by `client`. */
export interface Client {
  ip: string;
  prefix: string;
}
const CLIENT = Symbol('taquilla.client');
type ClientSocket = Socket & { [CLIENT]?: Client };

/**
 * Who a request comes from. The socket address, unless the socket is one of the operator's
 * trusted proxies (`TRUSTED_PROXIES`): only then is `X-Forwarded-For` read, right to left, up to
 * the first address that is not a trusted proxy. A client can write any X-Forwarded-For it likes,
 * so believing it by default would let every request pick its own rate-limit key.
 */
export function createClientAddress(trustedProxies: readonly string[]) {
  const trust = trustedProxies.length ? proxyAddr.compile([...trustedProxies]) : undefined;
  return {
    /** What Fastify's `trustProxy` option gets, so `request.ip` follows the same rule. */
    fastifyTrustProxy: trustedProxies.length ? [...trustedProxies] : false,
    /** Whether the request's socket is one of the trusted proxies: only then are its headers about the client believed. */
    fromTrustedProxy(req: IncomingMessage): boolean {
      return trust?.(req.socket.remoteAddress ?? '', 0) === true;
    },
    /** Whether a connection's address is one of the trusted proxies (its requests name the client). */
    isTrustedProxy(address: string): boolean {
      return trust?.(address, 0) === true;
    },
    /** For requests served outside Fastify (the queue-status fast lane). */
    of(req: IncomingMessage): string {
      const socket = req.socket.remoteAddress ?? '';
      return trust ? proxyAddr(req, trust) : socket;
    },
    /**
     * The address and its network, for the fast lane. Without trusted proxies every request on a
     * connection comes from the same address, so both are worked out once per connection and
     * kept on the socket; behind a proxy each request says its own.
     */
    client(req: IncomingMessage): Client {
      if (trust) {
        const ip = proxyAddr(req, trust);
        return { ip, prefix: networkPrefix(ip) };
      }
      const socket = req.socket as ClientSocket;
      let known = socket[CLIENT];
      if (known === undefined) {
        const ip = socket.remoteAddress ?? '';
        known = { ip, prefix: networkPrefix(ip) };
        socket[CLIENT] = known;
      }
      return known;
    },
  };
}

/**
 * The network a client address belongs to, the unit of the per-network limit and of the traffic
 * view: /24 for IPv4, /48 for IPv6 (one site's allocation). IPv4-mapped IPv6 counts as IPv4.
 */
export function networkPrefix(ip: string): string {
  // The common case, a plain dotted IPv4 address, without parsing.
  if (ip.length <= 15 && ip.indexOf(':') === -1) {
    const last = ip.lastIndexOf('.');
    return last > 0 ? `${ip.slice(0, last)}.0/24` : ip;
  }
  if (ip.startsWith('::ffff:') && ip.indexOf('.') !== -1) return networkPrefix(ip.slice(7));
  if (!ipaddr.isValid(ip)) return ip;
  const parsed = ipaddr.parse(ip);
  if (parsed.kind() === 'ipv4') return networkPrefix(parsed.toString());
  const parts = (parsed as ipaddr.IPv6).parts;
  return `${parts
    .slice(0, 3)
    .map((p) => p.toString(16))
    .join(':')}::/48`;
}
