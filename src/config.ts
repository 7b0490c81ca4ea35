import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ipaddr from 'ipaddr.js';
import { LOGIN_LIMITS, type LoginLimits } from './accounts/login-throttle.js';
import { parseRedisUrl, RedisUrlError } from './platform/redis.js';
import { PAGE_CLASSES, WIDGET_FREE_CLASSES, type PageClass } from './security/page-classes.js';
import type { Limit, LimitTable } from './shield/limits.js';
import { DEFAULT_LIMITS } from './shield/limits.js';

/**
 * One validated, frozen Config, read once at boot. Invalid settings throw a ConfigError naming the
 * setting; `server.ts` prints it and exits. Secrets have no silent defaults: in development a missing
 * one is generated, kept in the data dir and announced in the log; in production it is an error.
 */
export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly baseUrl: string;
  readonly paymentPort: number;
  readonly paymentOrigin: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly databasePoolSize: number;
  /** How long start-up waits for a PostgreSQL (and a Redis) that refuses connections, in seconds. */
  readonly databaseWaitSeconds: number;
  readonly embeddedPostgresPort: number;
  readonly adminToken: string;
  readonly secret: string;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly holdTtlSeconds: number;
  readonly ticketKeyId: string;
  /** Key ids of earlier signing keys whose tickets still verify after a rotation. */
  readonly previousTicketKeyIds: readonly string[];
  /** Id of the current key for queue tickets and access tokens, and earlier ids that still verify. */
  readonly queueKeyId: string;
  readonly previousQueueKeyIds: readonly string[];
  /**
   * Redis for the waiting room's shared line, the shield's limits and sign-in throttling (several
   * processes); unset: all of it lives in this process. One server (`redis://host:6379`), a Redis
   * Cluster (`redis+cluster://host:7000,host:7001`: any of its nodes) or a master found through
   * Redis Sentinel (`redis+sentinel://host:26379,host:26380/mymaster`); `rediss` for TLS. The
   * shapes are read by `platform/redis.ts`, which makes every client.
   */
  readonly redisUrl: string | undefined;
  /** Prefix of every Redis key Taquilla writes, so one Redis can serve several installations. */
  readonly redisPrefix: string;
  /** Refuse to start on a Redis without AOF, where a restart would lose the line's places; false accepts the loss. */
  readonly redisRequireAof: boolean;
  readonly logLevel: string;
  /**
   * METRICS_PORT: a second listener serving only GET /metrics without a credential, for a
   * Prometheus on a private network; unset: /metrics is only on PORT, behind `metrics.read`.
   */
  readonly metricsPort: number | undefined;
  /** METRICS_HOST: the address that listener binds to; 127.0.0.1 unless the scraper is elsewhere. */
  readonly metricsHost: string;
  readonly seedDemo: boolean;
  /** Whether this process serves the built-in test payment provider's card form on PAYMENT_PORT. */
  readonly paymentTestServer: boolean;
  /** Proxies (CIDR list) whose X-Forwarded-For is believed; empty: the socket address is the client. */
  readonly trustedProxies: readonly string[];
  /** The shield's switch: false turns off every layer (limits, shedding, proof of work, detection). */
  readonly shieldEnabled: boolean;
  /** Leading zero bits a proof of work needs when shield mode is on and pressure is low. */
  readonly shieldPowBits: number;
  /** Requests per second below which a surge is never called an attack, whatever the baseline. */
  readonly shieldAttackRps: number;
  /** Seconds of calm after which automatic shield mode turns itself off again. */
  readonly shieldCalmSeconds: number;
  /** Per-class limits that replace the defaults, from SHIELD_LIMITS (JSON). */
  readonly shieldLimits: LimitTable;
  /** Where incident alerts go: a webhook (JSON POST) and operators' email addresses. */
  readonly alertWebhookUrl: string | undefined;
  readonly alertEmails: readonly string[];
  /**
   * Whether TAQUILLA_ADMIN_TOKEN still works, as a break-glass API credential (never a console
   * sign-in), every use audited. On by default in development and tests, off in production.
   */
  readonly breakGlass: boolean;
  /** Sign-in throttling before any hashing: attempts per address, per account, per known device (LOGIN_LIMITS overrides any of them). */
  readonly loginLimits: LoginLimits;
  /** Days without use after which the daily access review disables a staff account or API key. */
  readonly staffDormantDays: number;
  /** Development only: the email of the first owner, invited at start-up while the staff table is empty. */
  readonly ownerEmail: string;
  /** Refunds above this amount (minor units) need the person's second factor in the last five minutes. */
  readonly refundSudoAbove: number;
  /**
   * Third-party widgets (support chat, analytics), each shown in a sandboxed iframe from its own
   * origin on the page classes it names, never on payment, account or operator pages (those are
   * dropped, with a line in `widgetWarnings`). From WIDGETS (JSON); development shows the demo chat.
   */
  readonly widgets: readonly WidgetConfig[];
  readonly widgetWarnings: readonly string[];
  /** Port of the built-in demo support-chat vendor (DEMO_CHAT_PORT); unset: not served. */
  readonly demoChatPort: number | undefined;
  /** The committed script inventory (PCI DSS 6.4.3) that pages and widgets are checked against. */
  readonly scriptInventoryPath: string;
  /** Minutes between tamper checks of the payment and account pages (0: only at start). */
  readonly tamperCheckMinutes: number;
  /** Where the tamper check fetches the pages, as a browser would (the public address by default). */
  readonly tamperCheckUrl: string;
  /** Settings that were generated for development rather than given; logged at start. */
  readonly generated: readonly string[];
}

export interface WidgetConfig {
  /** Letters, digits and dashes: the name the kill switch and the inventory use. */
  readonly name: string;
  /** The page the iframe loads, on the widget's own origin. */
  readonly url: string;
  readonly origin: string;
  readonly classes: readonly PageClass[];
  /** The iframe's accessible title. */
  readonly title: string;
  /** Origins the widget's frame may connect to besides its own (its vendor's API). */
  readonly connect: readonly string[];
}

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    reason: string,
  ) {
    super(`Invalid configuration: ${setting} ${reason}`);
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function url(env: Env, name: string, fallback: string | undefined, protocols: string[]): string | undefined {
  const raw = env[name] || fallback;
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return raw.replace(/\/$/, '');
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

/** Reads a secret, or in development generates one and keeps it in `<dataDir>/secrets.json`. */
function secret(env: Env, name: string, mode: Config['env'], dataDir: string, generated: string[]): string {
  const given = env[name];
  if (given) {
    if (given.length < 32) throw new ConfigError(name, 'must be at least 32 characters');
    return given;
  }
  if (mode === 'production') throw new ConfigError(name, 'is required in production');
  const file = join(dataDir, 'secrets.json');
  const stored: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  if (!stored[name]) {
    stored[name] = randomBytes(32).toString('base64url');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  generated.push(name);
  return stored[name];
}

/** A comma-separated setting's entries, trimmed, empty ones dropped. */
const commaList = (env: Env, name: string): string[] =>
  (env[name] || '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/** A comma-separated list of CIDRs (or single addresses), each checked. */
function cidrs(env: Env, name: string): string[] {
  const list = commaList(env, name);
  for (const entry of list) {
    const [address, bits] = entry.split('/');
    const ok =
      address !== undefined &&
      ipaddr.isValid(address) &&
      (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (ipaddr.parse(address).kind() === 'ipv4' ? 32 : 128)));
    if (!ok) throw new ConfigError(name, `must be a comma-separated list of addresses or CIDRs, got "${entry}"`);
  }
  return list;
}

/**
 * SHIELD_LIMITS: `{"queue_status": {"ip": {"points": 60, "seconds": 10}}}`; each class given
 * replaces that class's defaults whole, so a scope left out is not limited.
 */
function limitTable(env: Env, name: string): LimitTable {
  const raw = env[name];
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(name, 'must be JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError(name, 'must be a JSON object of route classes');
  for (const [cls, scopes] of Object.entries(parsed)) {
    if (!(cls in DEFAULT_LIMITS)) throw new ConfigError(name, `names an unknown route class "${cls}" (known: ${Object.keys(DEFAULT_LIMITS).join(', ')})`);
    if (typeof scopes !== 'object' || scopes === null) throw new ConfigError(name, `${cls} must be an object of scopes`);
    for (const [scope, limit] of Object.entries(scopes)) {
      const l = limit as { points?: unknown; seconds?: unknown };
      const ok =
        ['ip', 'prefix', 'account'].includes(scope) &&
        typeof l === 'object' &&
        l !== null &&
        Number.isInteger(l.points) &&
        (l.points as number) > 0 &&
        Number.isInteger(l.seconds) &&
        (l.seconds as number) > 0;
      if (!ok) throw new ConfigError(name, `${cls}.${scope} must be {"points": n, "seconds": n} with whole numbers above 0, under ip, prefix or account`);
    }
  }
  return parsed as LimitTable;
}

function loginLimits(env: Env, name: string): LoginLimits {
  const raw = env[name];
  if (raw === undefined || raw === '') return LOGIN_LIMITS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(name, 'must be JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigError(name, 'must be a JSON object: {"address"|"account"|"device"|"hashes": {"points": n, "seconds": n}}');
  const limits: Record<string, Limit> = { ...LOGIN_LIMITS };
  for (const [scope, limit] of Object.entries(parsed)) {
    const l = limit as { points?: unknown; seconds?: unknown };
    const ok =
      scope in LOGIN_LIMITS &&
      typeof l === 'object' &&
      l !== null &&
      Number.isInteger(l.points) &&
      (l.points as number) > 0 &&
      Number.isInteger(l.seconds) &&
      (l.seconds as number) > 0;
    if (!ok) throw new ConfigError(name, `${scope} must be {"points": n, "seconds": n} with whole numbers above 0, under address, account, device or hashes`);
    limits[scope] = { points: l.points as number, seconds: l.seconds as number };
  }
  return limits as unknown as LoginLimits;
}

function emails(env: Env, name: string): string[] {
  const list = commaList(env, name);
  const bad = list.find((e) => !/^[^\s@]+@[^\s@]+$/.test(e));
  if (bad) throw new ConfigError(name, `must be a comma-separated list of email addresses, got "${bad}"`);
  return list;
}

function ownerEmail(env: Env): string {
  const email = env.TAQUILLA_OWNER_EMAIL || 'owner@localhost';
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) throw new ConfigError('TAQUILLA_OWNER_EMAIL', `must be an email address, got "${email}"`);
  return email;
}

/** REDIS_URL: one server, a cluster or a sentinel-watched master (see `platform/redis.ts` for the shapes). */
function redisUrl(env: Env): string | undefined {
  const raw = env.REDIS_URL;
  if (!raw) return undefined;
  try {
    const target = parseRedisUrl(raw);
    return target.kind === 'server' ? target.url : raw;
  } catch (error) {
    if (error instanceof RedisUrlError) throw new ConfigError('REDIS_URL', error.message);
    throw error;
  }
}

function redisPrefix(env: Env): string {
  const prefix = env.REDIS_PREFIX ?? 'taquilla:';
  if (!/^[A-Za-z0-9_:.-]{1,64}$/.test(prefix)) throw new ConfigError('REDIS_PREFIX', 'must be 1-64 letters, digits, _ : . or -');
  return prefix;
}

function widgets(env: Env, fallback: unknown[], appOrigins: string[], warnings: string[]): WidgetConfig[] {
  const raw = env.WIDGETS;
  let list: unknown = fallback;
  if (raw !== undefined && raw !== '') {
    try {
      list = JSON.parse(raw);
    } catch {
      throw new ConfigError('WIDGETS', 'must be a JSON array of {"name","url","classes"} objects');
    }
  }
  if (!Array.isArray(list)) throw new ConfigError('WIDGETS', 'must be a JSON array');
  const seen = new Set<string>();
  return list.map((item, i) => {
    const w = item as Record<string, unknown>;
    const where = `WIDGETS[${i}]`;
    if (!w || typeof w !== 'object') throw new ConfigError(where, 'must be an object');
    if (typeof w.name !== 'string' || !/^[a-z0-9][a-z0-9-]{0,39}$/.test(w.name))
      throw new ConfigError(`${where}.name`, 'must be 1-40 lowercase letters, digits or dashes');
    if (seen.has(w.name)) throw new ConfigError(`${where}.name`, `"${w.name}" is used twice`);
    seen.add(w.name);
    let url: URL;
    try {
      url = new URL(String(w.url));
    } catch {
      throw new ConfigError(`${where}.url`, 'must be a URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${where}.url`, 'must use http: or https:');
    // Same origin as the app would give the widget the app's own origin, sandbox or not.
    if (appOrigins.includes(url.origin)) throw new ConfigError(`${where}.url`, "must be on its own origin, not the app's or the payment form's");
    if (!Array.isArray(w.classes) || w.classes.some((c) => !PAGE_CLASSES.includes(c as PageClass))) {
      throw new ConfigError(`${where}.classes`, `must list page classes among ${PAGE_CLASSES.join(', ')}`);
    }
    const classes = (w.classes as PageClass[]).filter((c) => {
      if (!WIDGET_FREE_CLASSES.includes(c)) return true;
      warnings.push(`widget "${w.name}" is configured for ${c} pages, where no widget may appear: not shown there`);
      return false;
    });
    const connect = w.connect === undefined ? [] : w.connect;
    if (!Array.isArray(connect) || connect.some((o) => typeof o !== 'string' || !/^https?:\/\/[^/\s;,']+$/.test(o))) {
      throw new ConfigError(`${where}.connect`, 'must be a list of http(s) origins');
    }
    const title = typeof w.title === 'string' && w.title.trim() ? w.title.trim().slice(0, 80) : w.name;
    return Object.freeze({
      name: w.name,
      url: url.href,
      origin: url.origin,
      classes: Object.freeze([...new Set(classes)]),
      title,
      connect: Object.freeze(connect as string[]),
    });
  });
}

export function loadConfig(env: Env = process.env): Config {
  const mode = (env.NODE_ENV ?? 'development') as Config['env'];
  if (!['development', 'production', 'test'].includes(mode)) {
    throw new ConfigError('NODE_ENV', 'must be development, production or test');
  }
  const port = int(env, 'PORT', 3000, 0, 65535);
  const paymentPort = int(env, 'PAYMENT_PORT', port === 0 ? 0 : port + 1, 0, 65535);
  if (port !== 0 && paymentPort === port) throw new ConfigError('PAYMENT_PORT', 'must differ from PORT');
  const dataDir = resolve(env.TAQUILLA_DATA_DIR || './data');
  const generated: string[] = [];
  const host = env.HOST || '127.0.0.1';
  const keyId = /^[A-Za-z0-9_-]{1,16}$/;
  const ticketKeyId = env.TICKET_KEY_ID || 'k1';
  if (!keyId.test(ticketKeyId)) throw new ConfigError('TICKET_KEY_ID', 'must be 1-16 letters, digits, _ or -');
  const previousTicketKeyIds = commaList(env, 'TICKET_PREVIOUS_KEY_IDS');
  if (previousTicketKeyIds.some((k) => !keyId.test(k))) throw new ConfigError('TICKET_PREVIOUS_KEY_IDS', 'must be a comma-separated list of key ids');
  const queueKeyId = env.QUEUE_KEY_ID || 'q1';
  if (!keyId.test(queueKeyId)) throw new ConfigError('QUEUE_KEY_ID', 'must be 1-16 letters, digits, _ or -');
  const previousQueueKeyIds = commaList(env, 'QUEUE_PREVIOUS_KEY_IDS');
  if (previousQueueKeyIds.some((k) => !keyId.test(k))) throw new ConfigError('QUEUE_PREVIOUS_KEY_IDS', 'must be a comma-separated list of key ids');

  const baseUrl = url(env, 'BASE_URL', `http://localhost:${port}`, ['http:', 'https:'])!;
  const paymentOrigin = url(env, 'PAYMENT_ORIGIN', `http://localhost:${paymentPort}`, ['http:', 'https:'])!;
  // Development serves the demo support chat on PORT+2 and shows it on buyer and queue pages.
  const demoChatDefault = mode === 'development' && port !== 0 ? port + 2 : undefined;
  const demoChatPort = env.DEMO_CHAT_PORT ? int(env, 'DEMO_CHAT_PORT', 0, 1, 65535) : demoChatDefault;
  const metricsPort = env.METRICS_PORT ? int(env, 'METRICS_PORT', 0, 0, 65535) : undefined;
  if (metricsPort && (metricsPort === port || metricsPort === paymentPort)) throw new ConfigError('METRICS_PORT', 'must differ from PORT and PAYMENT_PORT');
  const metricsHost = env.METRICS_HOST || '127.0.0.1';
  if (!ipaddr.isValid(metricsHost) && metricsHost !== 'localhost')
    throw new ConfigError('METRICS_HOST', `must be an IP address to listen on, got "${metricsHost}"`);
  const widgetWarnings: string[] = [];
  const widgetFallback =
    mode === 'development' && demoChatPort !== undefined
      ? [{ name: 'chat', url: `http://localhost:${demoChatPort}/chat`, classes: ['buyer', 'queue'], title: 'Support chat' }]
      : [];

  return Object.freeze({
    env: mode,
    port,
    host,
    baseUrl,
    paymentPort,
    paymentOrigin,
    dataDir,
    databaseUrl: url(env, 'DATABASE_URL', undefined, ['postgres:', 'postgresql:']),
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 20, 1, 500),
    databaseWaitSeconds: int(env, 'DATABASE_WAIT_SECONDS', 60, 0, 3600),
    embeddedPostgresPort: int(env, 'EMBEDDED_PG_PORT', 54329, 1024, 65535),
    adminToken: secret(env, 'TAQUILLA_ADMIN_TOKEN', mode, dataDir, generated),
    secret: secret(env, 'TAQUILLA_SECRET', mode, dataDir, generated),
    smtpUrl: url(env, 'SMTP_URL', undefined, ['smtp:', 'smtps:']),
    mailFrom: env.MAIL_FROM || 'Taquilla <tickets@localhost>',
    holdTtlSeconds: int(env, 'HOLD_TTL_SECONDS', 480, 5, 86_400),
    ticketKeyId,
    previousTicketKeyIds: Object.freeze(previousTicketKeyIds),
    queueKeyId,
    previousQueueKeyIds: Object.freeze(previousQueueKeyIds),
    redisUrl: redisUrl(env),
    redisPrefix: redisPrefix(env),
    redisRequireAof: bool(env, 'REDIS_REQUIRE_AOF', true),
    logLevel: env.LOG_LEVEL || (mode === 'test' ? 'silent' : 'info'),
    metricsPort,
    metricsHost,
    seedDemo: bool(env, 'TAQUILLA_SEED_DEMO', mode !== 'production'),
    paymentTestServer: bool(env, 'PAYMENT_TEST_SERVER', true),
    trustedProxies: Object.freeze(cidrs(env, 'TRUSTED_PROXIES')),
    shieldEnabled: bool(env, 'SHIELD_ENABLED', true),
    shieldPowBits: int(env, 'SHIELD_POW_BITS', 18, 1, 28),
    shieldAttackRps: int(env, 'SHIELD_ATTACK_RPS', 2000, 1, 10_000_000),
    shieldCalmSeconds: int(env, 'SHIELD_CALM_SECONDS', 30, 1, 3600),
    shieldLimits: Object.freeze(limitTable(env, 'SHIELD_LIMITS')),
    alertWebhookUrl: url(env, 'ALERT_WEBHOOK_URL', undefined, ['http:', 'https:']),
    alertEmails: Object.freeze(emails(env, 'ALERT_EMAILS')),
    breakGlass: bool(env, 'TAQUILLA_BREAK_GLASS', mode !== 'production'),
    loginLimits: Object.freeze(loginLimits(env, 'LOGIN_LIMITS')),
    staffDormantDays: int(env, 'STAFF_DORMANT_DAYS', 45, 1, 3650),
    ownerEmail: ownerEmail(env),
    refundSudoAbove: int(env, 'REFUND_SUDO_ABOVE', 50_000, 0, 1_000_000_000),
    widgets: Object.freeze(widgets(env, widgetFallback, [new URL(baseUrl).origin, new URL(paymentOrigin).origin], widgetWarnings)),
    widgetWarnings: Object.freeze(widgetWarnings),
    demoChatPort,
    scriptInventoryPath: resolve(env.SCRIPT_INVENTORY || 'security/script-inventory.json'),
    tamperCheckMinutes: int(env, 'TAMPER_CHECK_MINUTES', 5, 0, 10_080),
    tamperCheckUrl: url(env, 'TAMPER_CHECK_URL', baseUrl, ['http:', 'https:'])!,
    generated: Object.freeze(generated),
  });
}
