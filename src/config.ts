import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

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
  /** Redis for the waiting room's shared line (several processes); unset: the line lives in this process. */
  readonly redisUrl: string | undefined;
  /** Prefix of every Redis key Taquilla writes, so one Redis can serve several installations. */
  readonly redisPrefix: string;
  readonly logLevel: string;
  readonly seedDemo: boolean;
  /** Whether this process serves the built-in test payment provider's card form on PAYMENT_PORT. */
  readonly paymentTestServer: boolean;
  /** Settings that were generated for development rather than given; logged at start. */
  readonly generated: readonly string[];
}

export class ConfigError extends Error {
  constructor(readonly setting: string, reason: string) {
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

function redisPrefix(env: Env): string {
  const prefix = env.REDIS_PREFIX ?? 'taquilla:';
  if (!/^[A-Za-z0-9_:.-]{1,64}$/.test(prefix)) throw new ConfigError('REDIS_PREFIX', 'must be 1-64 letters, digits, _ : . or -');
  return prefix;
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
  const previousTicketKeyIds = (env.TICKET_PREVIOUS_KEY_IDS || '').split(',').map((k) => k.trim()).filter(Boolean);
  if (previousTicketKeyIds.some((k) => !keyId.test(k))) throw new ConfigError('TICKET_PREVIOUS_KEY_IDS', 'must be a comma-separated list of key ids');
  const queueKeyId = env.QUEUE_KEY_ID || 'q1';
  if (!keyId.test(queueKeyId)) throw new ConfigError('QUEUE_KEY_ID', 'must be 1-16 letters, digits, _ or -');
  const previousQueueKeyIds = (env.QUEUE_PREVIOUS_KEY_IDS || '').split(',').map((k) => k.trim()).filter(Boolean);
  if (previousQueueKeyIds.some((k) => !keyId.test(k))) throw new ConfigError('QUEUE_PREVIOUS_KEY_IDS', 'must be a comma-separated list of key ids');

  return Object.freeze({
    env: mode,
    port,
    host,
    baseUrl: url(env, 'BASE_URL', `http://localhost:${port}`, ['http:', 'https:'])!,
    paymentPort,
    paymentOrigin: url(env, 'PAYMENT_ORIGIN', `http://localhost:${paymentPort}`, ['http:', 'https:'])!,
    dataDir,
    databaseUrl: url(env, 'DATABASE_URL', undefined, ['postgres:', 'postgresql:']),
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 20, 1, 500),
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
    redisUrl: url(env, 'REDIS_URL', undefined, ['redis:', 'rediss:']),
    redisPrefix: redisPrefix(env),
    logLevel: env.LOG_LEVEL || (mode === 'test' ? 'silent' : 'info'),
    seedDemo: bool(env, 'TAQUILLA_SEED_DEMO', mode !== 'production'),
    paymentTestServer: bool(env, 'PAYMENT_TEST_SERVER', true),
    generated: Object.freeze(generated),
  });
}
