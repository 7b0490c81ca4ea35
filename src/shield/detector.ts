/** What one second of traffic looked like. */
interface Second {
  requests: number;
  errors: number;
  refused: Map<string, number>;
  refusedIps: Set<string>;
  prefixes: Map<string, number>;
  /** Operator credentials refused this second, and from which addresses. */
  authFailures: number;
  authIps: Set<string>;
}

export interface DetectorOptions {
  /** Requests per second below which a surge is never an attack. */
  attackRps: number;
  /** How many times the usual rate makes a surge. */
  surgeFactor?: number;
  /** Refusals per second that, from enough distinct addresses, make a flood. */
  refusalRate?: number;
  /** Networks never seen before, within the window, that make a flood. */
  newNetworks?: number;
  /** Refused operator credentials within a minute that make a guessing attack. */
  authFailures?: number;
}

/** What a finding is about: a flood (shield mode follows it), or someone guessing the admin token. */
export type FindingKind = 'traffic_flood' | 'admin_token_guessing';

export interface Finding {
  kind: FindingKind;
  rule: 'surge' | 'refusals' | 'new_networks' | 'auth_failures';
  reason: string;
}

export interface TrafficView {
  requestsPerSecond: number;
  errorsPerSecond: number;
  refusedPerSecond: Record<string, number>;
  topPrefixes: { prefix: string; requestsPerSecond: number }[];
  /** The usual request rate, learnt while calm. */
  baselinePerSecond: number;
  /** Operator credentials refused over the last minute. */
  adminAuthFailuresLastMinute: number;
}

/** Seconds the rules look back over; a flood is found on the tick after its second second. */
const WINDOW = 3;
/** Seconds the top networks are counted over: the same as the rates, so their shares add up. */
const TOP_WINDOW = WINDOW;
/** Per second, per map: a flood from a million addresses must not grow memory without bound. */
const MAX_KEYS = 10_000;
const MAX_KNOWN_NETWORKS = 200_000;
/**
 * Seconds refused operator credentials are counted over: guessing is slow next to a flood, and a
 * guesser who keeps under the operator limit (a few a minute per address) still adds up here.
 */
const AUTH_WINDOW = 60;
/** Per second: addresses remembered for the reason's count. */
const MAX_AUTH_IPS = 1000;

const emptySecond = (): Second => ({
  requests: 0,
  errors: 0,
  refused: new Map(),
  refusedIps: new Set(),
  prefixes: new Map(),
  authFailures: 0,
  authIps: new Set(),
});

/**
 * The rolling view of traffic and the rules that call it an attack. Counting is a few Map
 * operations per request; everything else happens once a second in `tick`. Three rules, over
 * the last three seconds:
 *
 * - surge: the request rate is at least `attackRps` and `surgeFactor` times the baseline;
 * - refusals: at least `refusalRate` refusals a second, a quarter of all requests or more,
 *   from at least ten addresses (one noisy client is the limits' business, not an incident);
 * - new networks: at least `newNetworks` networks never seen while calm, at a quarter of `attackRps`.
 *
 * Those three call a flood. A fourth, over the last minute, calls a guessing attack on the admin
 * token: at least `authFailures` operator credentials refused, from any number of addresses (one
 * address guessing is already an incident: nobody mistypes a token twenty times a minute).
 */
export function createDetector(opts: DetectorOptions) {
  const surgeFactor = opts.surgeFactor ?? 10;
  const refusalRate = opts.refusalRate ?? 100;
  const newNetworks = opts.newNetworks ?? 500;
  const authFailures = opts.authFailures ?? 20;
  const seconds: Second[] = [];
  /** The last AUTH_WINDOW seconds' refused operator credentials, with their addresses. */
  const authSeconds: { failures: number; ips: Set<string> }[] = [];
  const known = new Set<string>();
  let current = emptySecond();
  let baseline = 0;
  let view: TrafficView = {
    requestsPerSecond: 0,
    errorsPerSecond: 0,
    refusedPerSecond: {},
    topPrefixes: [],
    baselinePerSecond: 0,
    adminAuthFailuresLastMinute: 0,
  };
  const authFailuresLastMinute = () => authSeconds.reduce((a, s) => a + s.failures, 0);

  const bump = (map: Map<string, number>, key: string) => {
    const n = map.get(key);
    if (n !== undefined) map.set(key, n + 1);
    else if (map.size < MAX_KEYS) map.set(key, 1);
  };

  function summarise(): TrafficView {
    const last = seconds.slice(-WINDOW);
    const span = Math.max(1, last.length);
    const refused: Record<string, number> = {};
    for (const s of last) for (const [reason, n] of s.refused) refused[reason] = (refused[reason] ?? 0) + n;
    for (const reason of Object.keys(refused)) refused[reason] = Math.round((refused[reason]! / span) * 10) / 10;
    const networks = new Map<string, number>();
    const top = seconds.slice(-TOP_WINDOW);
    for (const s of top) for (const [prefix, n] of s.prefixes) networks.set(prefix, (networks.get(prefix) ?? 0) + n);
    const topPrefixes = [...networks]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([prefix, n]) => ({ prefix, requestsPerSecond: Math.round((n / Math.max(1, top.length)) * 10) / 10 }));
    return {
      requestsPerSecond: Math.round((last.reduce((a, s) => a + s.requests, 0) / span) * 10) / 10,
      errorsPerSecond: Math.round((last.reduce((a, s) => a + s.errors, 0) / span) * 10) / 10,
      refusedPerSecond: refused,
      topPrefixes,
      baselinePerSecond: Math.round(baseline * 10) / 10,
      adminAuthFailuresLastMinute: authFailuresLastMinute(),
    };
  }

  function guessing(): Finding | undefined {
    const failures = authFailuresLastMinute();
    if (failures < authFailures) return undefined;
    const ips = new Set<string>();
    for (const s of authSeconds) for (const ip of s.ips) if (ips.size < MAX_AUTH_IPS) ips.add(ip);
    const addresses = `${ips.size}${ips.size >= MAX_AUTH_IPS ? '+' : ''} address${ips.size === 1 ? '' : 'es'}`;
    return { kind: 'admin_token_guessing', rule: 'auth_failures', reason: `${failures} admin credentials refused in the last minute from ${addresses}` };
  }

  function flood(): Finding | undefined {
    const last = seconds.slice(-WINDOW);
    if (last.length < 2) return undefined;
    const rps = last.reduce((a, s) => a + s.requests, 0) / last.length;
    const refusedPerSecond = last.reduce((a, s) => a + [...s.refused.values()].reduce((x, y) => x + y, 0), 0) / last.length;
    const refusedIps = new Set<string>();
    for (const s of last) for (const ip of s.refusedIps) refusedIps.add(ip);
    if (rps >= opts.attackRps && rps >= surgeFactor * Math.max(baseline, 1)) {
      return {
        kind: 'traffic_flood',
        rule: 'surge',
        reason: `${Math.round(rps)} requests/s, ${Math.round(rps / Math.max(baseline, 1))}x the usual ${Math.round(baseline)}/s`,
      };
    }
    if (refusedPerSecond >= refusalRate && refusedPerSecond >= rps / 4 && refusedIps.size >= 10) {
      return {
        kind: 'traffic_flood',
        rule: 'refusals',
        reason: `${Math.round(refusedPerSecond)} refusals/s from ${refusedIps.size}${refusedIps.size >= MAX_KEYS ? '+' : ''} addresses`,
      };
    }
    if (rps >= opts.attackRps / 4) {
      const unseen = new Set<string>();
      for (const s of last) for (const prefix of s.prefixes.keys()) if (!known.has(prefix)) unseen.add(prefix);
      if (unseen.size >= newNetworks)
        return { kind: 'traffic_flood', rule: 'new_networks', reason: `${unseen.size} networks never seen before, at ${Math.round(rps)} requests/s` };
    }
    return undefined;
  }

  return {
    /** One request from a network. */
    count(prefix: string): void {
      current.requests++;
      bump(current.prefixes, prefix);
    },
    /** One refusal, by reason (`rate_limited`, `overloaded`, `challenge_required`, `blocked`). */
    refused(reason: string, ip: string): void {
      bump(current.refused, reason);
      if (current.refusedIps.size < MAX_KEYS) current.refusedIps.add(ip);
    },
    /** One 5xx answer that was not a refusal. */
    failed(): void {
      current.errors++;
    },
    /** One operator credential refused (a wrong admin token), from `ip`. */
    authFailed(ip: string): void {
      current.authFailures++;
      if (current.authIps.size < MAX_AUTH_IPS) current.authIps.add(ip);
    },
    /**
     * Closes the second: updates the view and answers what the last seconds look like: a flood,
     * a guessing attack, both or neither. While there is no flood, the baseline and the known
     * networks learn from them.
     */
    tick(): Finding[] {
      seconds.push(current);
      if (seconds.length > Math.max(WINDOW, TOP_WINDOW)) seconds.shift();
      authSeconds.push({ failures: current.authFailures, ips: current.authIps });
      if (authSeconds.length > AUTH_WINDOW) authSeconds.shift();
      const closed = current;
      current = emptySecond();
      const found = flood();
      if (!found) {
        baseline += (closed.requests - baseline) / 60;
        for (const prefix of closed.prefixes.keys()) if (known.size < MAX_KNOWN_NETWORKS) known.add(prefix);
      }
      view = summarise();
      const guessed = guessing();
      return found && guessed ? [found, guessed] : found ? [found] : guessed ? [guessed] : [];
    },
    view: (): TrafficView => view,
  };
}
export type Detector = ReturnType<typeof createDetector>;
