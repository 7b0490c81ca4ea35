/**
 * `npm run cluster`: the production topology on one machine. nginx (the repo's configuration,
 * deploy/nginx/) in front of N app processes (default 2) on the machine's PostgreSQL and Redis,
 * every process also serving the test payment provider's card form (one port, SO_REUSEPORT),
 * each kept running: a process that dies is started again by itself (with a growing pause when it
 * keeps dying). Ctrl-C (or SIGTERM) stops nginx gracefully and drains every process, then exits 0.
 *
 * Before the processes start, once: the database is created if missing, migrated, and (unless
 * TAQUILLA_SEED_DEMO=false) the demo concert seeded into an empty one, as `npm start` does; with
 * no staff yet the first owner (TAQUILLA_OWNER_EMAIL) is invited and the link printed. The front
 * end is built when missing or older than its sources.
 *
 * Options (flag or environment):
 *   --nodes N          NODES           app processes (2)
 *   --port P           CLUSTER_PORT    nginx's port for the app (8080)
 *   --payment-port P   CLUSTER_PAYMENT_PORT   nginx's port for the card form (port + 1)
 *   --host H           CLUSTER_HOST    address nginx listens on (127.0.0.1)
 *   --dir D            CLUSTER_DIR     run directory: secrets, logs, nginx's files (data/cluster)
 *   --no-build                         never build the front end
 *   --render                           write the committed renderings again (deploy/nginx/compose.conf, debian.conf, errors/), and exit
 *   DATABASE_URL (postgres://postgres@127.0.0.1:5432/taquilla), REDIS_URL (redis://127.0.0.1:6379),
 *   NGINX (the nginx binary), and any app setting (LOG_LEVEL, SHIELD_LIMITS, …), passed to every process.
 * The app processes and the card form's port are free ports chosen at start; `<dir>/cluster.json`
 * names them and their pids while the cluster runs.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { firstOwnerForDevelopment } from '../src/accounts/owner-invitation.service.js';
import { seedDemo } from '../src/catalog/demo-seed.js';
import { connect } from '../src/platform/database.js';
import { migrateToLatest } from '../src/platform/migrate.js';
import { freePort } from '../tests/helpers/net.js';
import { findNginx, localNginxSettings, renderNginx, testNginxConfig, waitForPort, writeRendered } from './cluster/nginx.js';
import { type Supervised, supervise } from './cluster/supervise.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = Date.now();
const say = (line: string) => console.log(`[cluster] ${line}`);
function fail(message: string): never {
  console.error(`[cluster] ${message}`);
  process.exit(1);
}

// ---- options ----------------------------------------------------------------------------------
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
function option(name: string, envName: string, fallback: string): string {
  const at = argv.indexOf(name);
  if (at >= 0) {
    const value = argv[at + 1];
    if (value === undefined || value.startsWith('--')) fail(`${name} takes a value`);
    return value;
  }
  return process.env[envName] || fallback;
}
const known = ['--nodes', '--port', '--payment-port', '--host', '--dir', '--no-build', '--render', '--help'];
for (let i = 0; i < argv.length; i++) {
  if (!known.includes(argv[i]!)) fail(`unknown argument "${argv[i]}" (npm run cluster -- --help)`);
  if (!['--no-build', '--render', '--help'].includes(argv[i]!)) i++;
}
if (flag('--help')) {
  const header = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]!;
  console.log(header.replace(/^\/\*\*\n/, '').replace(/^ \* ?/gm, ''));
  process.exit(0);
}
if (flag('--render')) {
  for (const file of writeRendered()) say(`wrote ${relative(root, file)}`);
  process.exit(0);
}
function whole(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) fail(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  return Number(text);
}
const nodes = whole('--nodes (NODES)', option('--nodes', 'NODES', '2'), 1, 16);
const port = whole('--port (CLUSTER_PORT)', option('--port', 'CLUSTER_PORT', '8080'), 1, 65535);
const paymentPort = whole('--payment-port (CLUSTER_PAYMENT_PORT)', option('--payment-port', 'CLUSTER_PAYMENT_PORT', String(port + 1)), 1, 65535);
if (paymentPort === port) fail('--payment-port must differ from --port: the card form needs its own origin');
const host = option('--host', 'CLUSTER_HOST', '127.0.0.1');
const dir = resolve(root, option('--dir', 'CLUSTER_DIR', join('data', 'cluster')));
const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/taquilla';
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const publicHost = host === '0.0.0.0' || host === '127.0.0.1' ? 'localhost' : host;
const baseUrl = process.env.BASE_URL || `http://${publicHost}:${port}`;
const paymentOrigin = process.env.PAYMENT_ORIGIN || `http://${publicHost}:${paymentPort}`;
const hidePassword = (url: string) => url.replace(/:[^:@/]*@/, ':***@');

const nginxBin = findNginx();
if (!nginxBin) fail('no nginx found (NGINX, PATH, /usr/sbin/nginx). On Debian: sudo apt-get install nginx');

// ---- the run directory, secrets, ports --------------------------------------------------------
for (const sub of ['logs', 'nginx', 'data']) mkdirSync(join(dir, sub), { recursive: true });
/** The same secret and admin token for every process, kept so tickets stay valid across runs. */
function secrets(): { TAQUILLA_SECRET: string; TAQUILLA_ADMIN_TOKEN: string } {
  const file = join(dir, 'secrets.json');
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  let changed = false;
  for (const name of ['TAQUILLA_SECRET', 'TAQUILLA_ADMIN_TOKEN']) {
    if (!stored[name]) {
      stored[name] = randomBytes(32).toString('base64url');
      changed = true;
    }
  }
  if (changed) writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  return {
    TAQUILLA_SECRET: process.env.TAQUILLA_SECRET || stored.TAQUILLA_SECRET!,
    TAQUILLA_ADMIN_TOKEN: process.env.TAQUILLA_ADMIN_TOKEN || stored.TAQUILLA_ADMIN_TOKEN!,
  };
}

async function portFree(listenHost: string, p: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(p, listenHost, () => server.close(() => resolvePort(true)));
  });
}
for (const p of [port, paymentPort]) {
  if (!(await portFree(host, p))) fail(`port ${p} on ${host} is in use; choose others with --port and --payment-port`);
}

// ---- the front end ----------------------------------------------------------------------------
// The same check as `npm start`: built only when the front end's sources changed since the last
// successful build (scripts/build-web-if-changed.ts and its stamp in web/dist).
if (!flag('--no-build')) {
  const build = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-web-if-changed.ts'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) fail('the front-end build failed');
}
if (!existsSync(join(root, 'web', 'dist', 'assets'))) fail('web/dist/assets is missing: run npm run build:web (or leave out --no-build)');

// ---- PostgreSQL: create, migrate, seed, once ----------------------------------------------------
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const debianPostgresHint =
  'On Debian: sudo apt-get install postgresql, then a role that may create its database: ' +
  'sudo -u postgres psql -c "CREATE ROLE taquilla LOGIN CREATEDB PASSWORD \'taquilla\'" and DATABASE_URL=postgres://taquilla:taquilla@127.0.0.1:5432/taquilla';

async function query(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end().catch(() => {});
  }
}

async function ensureDatabase(): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1)) || 'taquilla';
  for (const deadline = Date.now() + 30_000; ; ) {
    try {
      await query(databaseUrl, 'SELECT 1');
      return;
    } catch (error) {
      const e = error as Error & { code?: string };
      if (e.code === '3D000') break;
      const refused = e.code === 'ECONNREFUSED' || e.code === '57P03';
      if (!refused || Date.now() > deadline) fail(`PostgreSQL at ${hidePassword(databaseUrl)} refused: ${e.message}. ${debianPostgresHint}`);
      say(`waiting for PostgreSQL at ${url.host} (${e.message})`);
      await sleep(1000);
    }
  }
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  try {
    await query(admin.toString(), `CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    say(`created the database ${name}`);
  } catch (error) {
    const e = error as Error & { code?: string };
    if (e.code !== '42P04') fail(`could not create the database ${name}: ${e.message}. ${debianPostgresHint}`);
  }
}

await ensureDatabase();
let firstOwner: { email: string; url: string } | undefined;
{
  const db = connect(databaseUrl, 2);
  try {
    const applied = await migrateToLatest(db);
    if (applied.length) say(`migrated the database (${applied.length} migrations)`);
    if (!['false', '0', 'no'].includes(process.env.TAQUILLA_SEED_DEMO ?? '')) {
      const seeded = await seedDemo(db);
      if (seeded) say('empty database: demo concert seeded');
    }
    // A workstation's cluster, like `npm start`: with no staff yet, the first owner is invited
    // (the processes themselves run in production mode, which never does this).
    firstOwner = await firstOwnerForDevelopment(db, { env: 'development', baseUrl, ownerEmail: process.env.TAQUILLA_OWNER_EMAIL || 'owner@localhost' });
  } finally {
    await db.destroy();
  }
}

// ---- Redis: reachable, and with its append-only file? -----------------------------------------
let requireAof = process.env.REDIS_REQUIRE_AOF;
{
  const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  let info: string;
  try {
    await redis.connect();
    info = await redis.info('persistence');
  } catch (error) {
    fail(`Redis at ${hidePassword(redisUrl)} did not answer (${(error as Error).message}). On Debian: sudo apt-get install redis-server`);
  } finally {
    redis.disconnect();
  }
  if (!/^aof_enabled:1\r?$/m.test(info) && requireAof === undefined) {
    say(
      `Redis at ${hidePassword(redisUrl)} keeps no append-only file, so a Redis restart would lose the waiting line; running anyway (REDIS_REQUIRE_AOF=false). ` +
        'To keep it: redis-cli CONFIG SET appendonly yes && redis-cli CONFIG REWRITE',
    );
    requireAof = 'false';
  }
}

// ---- the processes ------------------------------------------------------------------------------
const nodePorts: number[] = [];
for (let i = 0; i < nodes; i++) nodePorts.push(await freePort());
const paymentUpstream = await freePort();
const nodeEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: process.env.NODE_ENV || 'production',
  LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
  HOST: '127.0.0.1',
  BASE_URL: baseUrl,
  PAYMENT_ORIGIN: paymentOrigin,
  PAYMENT_PORT: String(paymentUpstream),
  // nginx connects to the processes from 127.0.0.1: its X-Forwarded-For is believed, nobody else's.
  TRUSTED_PROXIES: process.env.TRUSTED_PROXIES || '127.0.0.1/32',
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  ...(requireAof === undefined ? {} : { REDIS_REQUIRE_AOF: requireAof }),
  ...secrets(),
  TAQUILLA_DATA_DIR: join(dir, 'data'),
  // Seeded above, once; several processes seeding at once would race.
  TAQUILLA_SEED_DEMO: 'false',
};
delete nodeEnv.DEMO_CHAT_PORT;

/** pino's JSON lines at warn and above, and anything on stderr; the rest stays in the log file. */
const showNodeLine = (line: string, stream: 'stdout' | 'stderr') => {
  if (stream === 'stderr') return true;
  const level = /^\{"level":(\d+)/.exec(line);
  return level !== null && Number(level[1]) >= 40;
};

const state: { url: string; paymentUrl: string; pid: number; nginx: { pid?: number }; nodes: { name: string; port: number; pid?: number }[] } = {
  url: baseUrl,
  paymentUrl: paymentOrigin,
  pid: process.pid,
  nginx: {},
  nodes: nodePorts.map((p, i) => ({ name: `node ${i + 1}`, port: p })),
};
const stateFile = join(dir, 'cluster.json');
const writeState = () => writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);

const supervised: Supervised[] = [];
let stopping = false;
process.on('exit', () => {
  for (const s of supervised) s.killNow();
});

const apps = nodePorts.map((p, i) => {
  const s = supervise({
    name: `node ${i + 1}`,
    command: process.execPath,
    args: ['--import', 'tsx', 'src/server.ts'],
    cwd: root,
    env: { ...nodeEnv, PORT: String(p) },
    logFile: join(dir, 'logs', `node-${i + 1}.log`),
    show: showNodeLine,
    say,
    ready: () => fetch(`http://127.0.0.1:${p}/api/health/ready`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok),
    started: (pid) => {
      state.nodes[i]!.pid = pid;
      writeState();
    },
  });
  supervised.push(s);
  return s;
});

let stoppingSince = 0;
const stopAll = async (signal: string, code = 0) => {
  if (stopping) {
    // npm passes the terminal's Ctrl-C on as well: the same one arrives twice within moments.
    if (Date.now() - stoppingSince < 1000) return;
    say(`${signal} again: killing everything now`);
    process.exit(1);
  }
  stopping = true;
  stoppingSince = Date.now();
  say(`${signal}: stopping (nginx finishes its requests, every process drains)`);
  const nginxStop = supervised.filter((s) => s.name === 'nginx').map((s) => s.stop('SIGQUIT', 15_000));
  await Promise.all([...nginxStop, ...apps.map((s) => s.stop('SIGTERM', 15_000))]);
  rmSync(stateFile, { force: true });
  say('stopped');
  process.exit(code);
};
process.on('SIGINT', () => void stopAll('SIGINT'));
process.on('SIGTERM', () => void stopAll('SIGTERM'));

say(`starting ${nodes} app process${nodes === 1 ? '' : 'es'} on 127.0.0.1:${nodePorts.join(', ')} (card form on ${paymentUpstream})`);
try {
  await Promise.all(apps.map((s) => s.firstReady(120_000)));
} catch (error) {
  say((error as Error).message);
  const tail = readFileSync(join(dir, 'logs', `${apps.find((a) => !a.running())?.name.replace(' ', '-') ?? 'node-1'}.log`), 'utf8')
    .split('\n')
    .slice(-15)
    .join('\n');
  console.error(tail);
  for (const s of supervised) s.killNow();
  process.exit(1);
}

const nginxDir = join(dir, 'nginx');
const conf = renderNginx(
  localNginxSettings(nginxDir, {
    listen: `${host}:${port}`,
    paymentListen: `${host}:${paymentPort}`,
    appServers: nodePorts.map((p) => `127.0.0.1:${p}`),
    paymentServers: [`127.0.0.1:${paymentUpstream}`],
    webRoot: join(root, 'web', 'dist'),
  }),
);
const confFile = join(nginxDir, 'nginx.conf');
writeFileSync(confFile, conf);
const problem = testNginxConfig(nginxBin, nginxDir, confFile);
if (problem) {
  say(`nginx refused its configuration (${confFile}):\n${problem}`);
  await stopAll('error', 1);
}
const probeHost = host === '0.0.0.0' ? '127.0.0.1' : host;
const nginx = supervise({
  name: 'nginx',
  command: nginxBin,
  args: ['-e', 'stderr', '-p', nginxDir, '-c', confFile, '-g', 'daemon off;'],
  logFile: join(dir, 'logs', 'nginx.log'),
  show: () => true,
  say,
  ready: () => waitForPort(probeHost, port, 200).then(() => true),
  started: (pid) => {
    state.nginx.pid = pid;
    writeState();
  },
});
supervised.push(nginx);
try {
  await nginx.firstReady(15_000);
} catch (error) {
  say((error as Error).message);
  await stopAll('error', 1);
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
const shownDir = relative(process.cwd(), dir).startsWith('..') ? dir : relative(process.cwd(), dir) || '.';
console.log(`
Taquilla (cluster) is selling at ${baseUrl}  (ready in ${seconds} s)
  nginx:        ${host}:${port} and ${host}:${paymentPort}, in front of ${nodes} app process${nodes === 1 ? '' : 'es'} (${nodePorts.map((p) => `127.0.0.1:${p}`).join(', ')})
  payments:     ${paymentOrigin} (built-in test provider, served by every process)
  database:     ${hidePassword(databaseUrl)}
  redis:        ${hidePassword(redisUrl)}
  run dir:      ${shownDir} (logs/, nginx/, cluster.json)${firstOwner ? `\n  first owner:  ${firstOwner.email}: open ${firstOwner.url} (single use, 72 h)` : ''}
  A process that dies is started again by itself. Ctrl-C stops everything.
`);
