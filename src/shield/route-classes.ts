/**
 * Every route belongs to one class; limits, shedding and proof of work are set per class.
 * `SHED_AT` gives the pressure at which load shedding gives each class up.
 */
export type RouteClass =
  | 'browse' // anonymous reading: pages, catalog, availability
  | 'challenge' // fetching a proof-of-work challenge
  | 'queue_join'
  | 'queue_status'
  | 'hold' // an admitted buyer starting a hold
  | 'checkout' // the buyer's hold, order and payment
  | 'login'
  | 'email' // requests that make Taquilla send email to an address the client chose
  | 'checkin' // scanners at the doors
  | 'webhook' // payment providers' servers
  | 'operator' // the console's API, behind the admin token
  | 'asset' // the build's hashed static files (/assets/*): cheap, and a page missing one is broken
  | 'report' // browsers' CSP violation reports
  | 'health'; // liveness and readiness probes from load balancers and orchestrators

const BY_ROUTE: Record<string, RouteClass> = {
  // Staff signing in: throttled per address and per account before any password is hashed, and
  // behind proof of work in shield mode.
  'POST /api/auth/staff/password': 'login',
  'POST /api/auth/staff/second-factor': 'login',
  'POST /api/auth/staff/passkey': 'login',
  'POST /api/auth/staff/invitation': 'login',
  'POST /api/auth/staff/sudo': 'login',
  'GET /api/shield/challenge': 'challenge',
  'POST /api/performances/:id/queue': 'queue_join',
  'GET /api/queue/status': 'queue_status',
  'POST /api/performances/:id/holds': 'hold',
  'GET /api/holds/:id': 'checkout',
  'DELETE /api/holds/:id': 'checkout',
  'POST /api/holds/:id/order': 'checkout',
  'POST /api/orders/:id/payment': 'checkout',
  'GET /api/orders/:id': 'checkout',
  'PATCH /api/orders/:id/buyer': 'checkout',
  'GET /api/orders/:id/tickets.pdf': 'checkout',
  'POST /api/checkin': 'checkin',
  // Customer accounts: every route that checks a password, a code or an emailed token.
  'POST /api/account/sign-up': 'login',
  'POST /api/account/verify': 'login',
  'POST /api/account/sign-in': 'login',
  'POST /api/account/second-factor': 'login',
  'POST /api/account/passkey/options': 'login',
  'POST /api/account/passkey': 'login',
  'POST /api/account/password/reset-request': 'login',
  'POST /api/account/password/reset': 'login',
  'POST /api/account/password/change': 'login',
  'POST /api/account/totp/remove': 'login',
  'POST /api/payments/webhooks/:provider': 'webhook',
  'POST /api/security/csp-reports': 'report',
  'GET /api/health': 'health',
  'GET /api/health/live': 'health',
  'GET /api/health/ready': 'health',
  // Prometheus on the app's port, with an operator credential (METRICS_PORT needs none).
  'GET /metrics': 'operator',
};

/** `url` is the route's pattern (`/api/holds/:id`), undefined for an unknown path. */
export function routeClass(method: string, url: string | undefined): RouteClass {
  if (url === undefined) return 'browse';
  const known = BY_ROUTE[`${method} ${url}`];
  if (known) return known;
  // The console's own account routes (me, sessions, enrolment, sign-out) are the console's:
  // never shed, and a valid staff session passes; the sign-in steps above are the login class.
  if (url.startsWith('/api/admin/') || url.startsWith('/api/auth/staff/')) return 'operator';
  if (url === '/assets/*') return 'asset';
  return 'browse';
}

/**
 * What a blocked address still reaches, under its limits: it may be a carrier NAT with fans
 * behind it, so an admitted buyer's checkout, the doors and the payment provider get through, and
 * the pages' static files (cheap; without them a page that did load is broken). The console's API
 * is not here: a valid admin token passes every layer before blocks are looked at, and a request
 * without one has no business getting through.
 */
export const KEEP_THROUGH_BLOCKS: ReadonlySet<RouteClass> = new Set<RouteClass>(['checkout', 'checkin', 'webhook', 'asset', 'health']);

/**
 * Paths that may belong to a class some request passes the shield in even from a blocked address:
 * KEEP_THROUGH_BLOCKS, the operator class (a valid credential passes every layer) and the login
 * class (a known browser passes). Each is a route pattern's fixed start, so every concrete path
 * of such a route starts with one of them.
 */
const MAY_PASS_PREFIXES: readonly string[] = (() => {
  const passing = new Set<RouteClass>([...KEEP_THROUGH_BLOCKS, 'operator', 'login']);
  const out = new Set<string>(['/api/admin/', '/api/auth/staff/', '/assets/']);
  for (const [key, cls] of Object.entries(BY_ROUTE)) {
    if (!passing.has(cls)) continue;
    const pattern = key.slice(key.indexOf(' ') + 1);
    const fixed = /[:*]/.exec(pattern);
    out.add(fixed ? pattern.slice(0, fixed.index) : pattern);
  }
  return [...out];
})();

/** A route parameter as Fastify's router takes it: one segment, at most 100 characters (longer is a 404). */
const PARAM = '[^/]{1,100}';
/** The refusable classes with a route pattern of their own; any other path a block refuses is `browse`. */
const EARLY_PATTERNS: { method: string; path: RegExp; cls: RouteClass; route: string }[] = Object.entries(BY_ROUTE)
  .filter(([key]) => !MAY_PASS_PREFIXES.some((prefix) => key.slice(key.indexOf(' ') + 1).startsWith(prefix)))
  .map(([key, cls]) => {
    const [method, route] = key.split(' ') as [string, string];
    return { method, cls, route, path: new RegExp(`^${route.replace(/:[^/]+/g, PARAM)}$`) };
  });

/**
 * The class of a concrete request, told without Fastify's router, for refusing before Fastify: or
 * undefined when the path may belong to a class that lets some requests pass a block or a limit
 * (see MAY_PASS_PREFIXES), or is written in a way the router may read differently (percent
 * escapes, doubled slashes, a form other than a plain path): Fastify decides those. `route` is
 * the route's pattern where the class has one, for the request metrics.
 */
export function earlyRouteClass(method: string | undefined, url: string | undefined): { cls: RouteClass; route?: string } | undefined {
  if (method === undefined || url === undefined || url.charCodeAt(0) !== 47 /* / */) return undefined;
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (path.includes('%') || path.includes('//') || path.includes(';')) return undefined;
  for (const prefix of MAY_PASS_PREFIXES) if (path.startsWith(prefix)) return undefined;
  for (const p of EARLY_PATTERNS) if (p.method === method && p.path.test(path)) return { cls: p.cls, route: p.route };
  return { cls: 'browse' };
}

/**
 * Pressure (1 = at capacity) from which each class is refused with 503: anonymous browsing
 * first, then queue joins, then queue status; new holds only in a severe overload, and an
 * admitted buyer's checkout (order and payment), the operators, the doors and the payment
 * provider never: they are what the rest is given up for. Nor the pages' own static files: they cost
 * less to send than a refusal's bookkeeping, and a page that got its HTML but not its scripts is
 * the worst answer a fan can get.
 */
export const SHED_AT: Record<RouteClass, number> = {
  browse: 1,
  challenge: 1.25,
  queue_join: 1.5,
  queue_status: 2,
  hold: 4,
  login: 4,
  email: 1,
  checkout: Number.POSITIVE_INFINITY,
  checkin: Number.POSITIVE_INFINITY,
  webhook: Number.POSITIVE_INFINITY,
  operator: Number.POSITIVE_INFINITY,
  asset: Number.POSITIVE_INFINITY,
  // Evidence, not sales: a flood of reports is the first thing given up.
  report: 1,
  // A shed probe reads as a dead or unready process: the balancer pulls a busy node, the others
  // get its load, and they fail their probes in turn. Probes cost a SELECT 1 at most.
  health: Number.POSITIVE_INFINITY,
};
