import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/**
 * Where Redis is, from `REDIS_URL`, and the one factory every Redis user (the waiting room's line,
 * the shield's limits and proof-of-work spends, sign-in throttling, the start-up persistence
 * check) gets its client from. Three shapes, told apart by the scheme:
 *
 *   redis://[user:password@]host[:port][/db]                      one server (rediss:// for TLS)
 *   redis+cluster://[user:password@]host[:port][,host[:port]...]  Redis Cluster: some of its nodes
 *       (any will do, the client learns the rest), database 0 only (rediss+cluster:// for TLS)
 *   redis+sentinel://[user:password@]host[:port][,host[:port]...]/master-name[/db][?sentinelPassword=...]
 *       Redis Sentinel: the sentinels (port 26379 unless given) and the name of the master they
 *       watch; the client asks them where the master is, and asks again after a failover. The
 *       user and password are the master's; `sentinelUsername`/`sentinelPassword` are the
 *       sentinels' own when they have one (rediss+sentinel:// for TLS to both)
 *
 * Everything Taquilla does is cluster-safe: each command or Lua script touches the keys of one
 * hash slot (a room's keys share the hash tag `{<performanceId>}`; a limiter or a spend is one
 * key), nothing scans the keyspace, and no transaction spans slots.
 */

interface Node {
  host: string;
  port: number;
}

export type RedisTarget =
  | { kind: 'server'; url: string }
  | { kind: 'cluster'; nodes: Node[]; username?: string; password?: string; tls: boolean }
  | {
      kind: 'sentinel';
      sentinels: Node[];
      name: string;
      db: number;
      username?: string;
      password?: string;
      sentinelUsername?: string;
      sentinelPassword?: string;
      tls: boolean;
    };

/** A URL that cannot be used; `config.ts` turns the message into a ConfigError for REDIS_URL. */
export class RedisUrlError extends Error {}

const MULTI_HOST = /^(rediss?)\+(cluster|sentinel):\/\/(?:([^@/?#]*)@)?([^/?#]+)(\/[^?#]*)?(?:\?([^#]*))?$/;

function nodes(list: string, defaultPort: number): Node[] {
  return list.split(',').map((part) => {
    const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(part.trim());
    if (!m) throw new RedisUrlError(`"${part}" is not host or host:port`);
    const port = m[3] === undefined ? defaultPort : Number(m[3]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RedisUrlError(`"${part}" has no valid port`);
    return { host: (m[1] ?? m[2])!, port };
  });
}

function credentials(userinfo: string | undefined): { username?: string; password?: string } {
  if (!userinfo) return {};
  const at = userinfo.indexOf(':');
  const username = decodeURIComponent(at < 0 ? userinfo : userinfo.slice(0, at));
  const password = at < 0 ? undefined : decodeURIComponent(userinfo.slice(at + 1));
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

/** Reads a REDIS_URL; throws RedisUrlError saying what is wrong with it. */
export function parseRedisUrl(raw: string): RedisTarget {
  if (/^rediss?:\/\//.test(raw)) {
    try {
      new URL(raw);
    } catch {
      throw new RedisUrlError('must be a URL');
    }
    return { kind: 'server', url: raw.replace(/\/$/, '') };
  }
  const m = MULTI_HOST.exec(raw);
  if (!m) {
    throw new RedisUrlError(
      'must be redis://host:port, redis+cluster://host:port,host:port or redis+sentinel://host:port,host:port/master-name (rediss for TLS)',
    );
  }
  const [, scheme, kind, userinfo, hosts, path = '', query = ''] = m as unknown as [string, string, string, string | undefined, string, string?, string?];
  const tls = scheme === 'rediss';
  let auth: ReturnType<typeof credentials>;
  try {
    auth = credentials(userinfo);
  } catch {
    throw new RedisUrlError('has a user or password that is not properly %-encoded');
  }
  const params = new URLSearchParams(query);
  if (kind === 'cluster') {
    if (path !== '' && path !== '/' && path !== '/0') throw new RedisUrlError('a Redis Cluster has database 0 only: leave the path out');
    if ([...params.keys()].length) throw new RedisUrlError(`redis+cluster:// takes no parameters, got ${[...params.keys()].join(', ')}`);
    return { kind: 'cluster', nodes: nodes(hosts, 6379), tls, ...auth };
  }
  const [, name = '', db = '0', ...rest] = path.split('/');
  if (!name) throw new RedisUrlError('redis+sentinel:// needs the master name as its path: redis+sentinel://host:26379/mymaster');
  if (rest.length || !/^\d{1,2}$/.test(db)) throw new RedisUrlError('redis+sentinel:// takes /master-name or /master-name/db');
  const unknown = [...params.keys()].filter((k) => k !== 'sentinelPassword' && k !== 'sentinelUsername');
  if (unknown.length) throw new RedisUrlError(`redis+sentinel:// takes sentinelUsername and sentinelPassword only, got ${unknown.join(', ')}`);
  return {
    kind: 'sentinel',
    sentinels: nodes(hosts, 26379),
    name: decodeURIComponent(name),
    db: Number(db),
    tls,
    ...auth,
    ...(params.get('sentinelUsername') ? { sentinelUsername: params.get('sentinelUsername')! } : {}),
    ...(params.get('sentinelPassword') ? { sentinelPassword: params.get('sentinelPassword')! } : {}),
  };
}

const list = (ns: Node[]) => ns.map((n) => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`)).join(',');

/** Where Redis is, for messages and logs: hosts and ports, never a password. */
export function describeRedis(url: string): string {
  const target = parseRedisUrl(url);
  if (target.kind === 'cluster') return `Redis Cluster ${list(target.nodes)}`;
  if (target.kind === 'sentinel') return `Redis master "${target.name}" of the sentinels ${list(target.sentinels)}`;
  const parsed = new URL(target.url);
  return `Redis at ${parsed.hostname}:${parsed.port || 6379}`;
}

export type RedisClient = Redis | Cluster;

/** The client settings Taquilla's users choose; the factory maps them onto a server, a cluster or a sentinel client. */
export interface RedisClientOptions {
  lazyConnect?: boolean;
  enableOfflineQueue?: boolean;
  maxRetriesPerRequest?: number | null;
  connectTimeout?: number;
  commandTimeout?: number;
  /** Delay before reconnecting after `times` failures; null gives up. Applies to the whole cluster for a Cluster. */
  retryStrategy?: (times: number) => number | null;
}

export function createRedisClient(url: string, options: RedisClientOptions = {}): RedisClient {
  const target = parseRedisUrl(url);
  const { retryStrategy, lazyConnect, enableOfflineQueue, ...perConnection } = options;
  const common: RedisOptions = { ...perConnection, ...(lazyConnect !== undefined ? { lazyConnect } : {}) };
  if (enableOfflineQueue !== undefined) common.enableOfflineQueue = enableOfflineQueue;
  if (retryStrategy) common.retryStrategy = retryStrategy;
  if (target.kind === 'server') return new Redis(target.url, common);
  if (target.kind === 'sentinel') {
    return new Redis({
      ...common,
      sentinels: target.sentinels,
      name: target.name,
      role: 'master',
      db: target.db,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      ...(target.sentinelUsername ? { sentinelUsername: target.sentinelUsername } : {}),
      ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
      // Sentinels are few and known: keep asking them (the master's own retries follow retryStrategy).
      sentinelRetryStrategy: (times) => (retryStrategy ? retryStrategy(times) : Math.min(times * 100, 2000)),
      // A master demoted by a failover (still up, now a replica) refuses writes: ask the sentinels
      // again. (A master that died closes the connection, and reconnecting asks them anyway.)
      reconnectOnError: (error) => (/^READONLY\b/.test(error.message) ? 1 : false),
      ...(target.tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
    });
  }
  const clusterOptions: ClusterOptions = {
    ...(lazyConnect !== undefined ? { lazyConnect } : {}),
    ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
    ...(retryStrategy ? { clusterRetryStrategy: retryStrategy } : {}),
    // A failover or a resharding answers MOVED/CLUSTERDOWN for a moment: retry soon, within the command's timeout.
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    slotsRefreshTimeout: options.connectTimeout ?? 1000,
    redisOptions: {
      ...perConnection,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      ...(target.tls ? { tls: {} } : {}),
    },
  };
  return new Cluster(target.nodes, clusterOptions);
}

/**
 * The servers that hold data, each as a client of its own, for checks that must ask every one
 * (INFO persistence): the server itself, the master the sentinels name, or every master of a
 * cluster (`client` must be connected). The caller disconnects the cluster's nodes with the cluster.
 */
export function dataNodes(client: RedisClient): Redis[] {
  return isCluster(client) ? client.nodes('master') : [client];
}

export const isCluster = (client: RedisClient): client is Cluster => client instanceof Cluster;
