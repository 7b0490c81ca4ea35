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
