import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import pg from 'pg';
import { parse } from 'yaml';
import {
  findNginx,
  localNginxSettings,
  NGINX_LIMITS,
  type NginxSettings,
  noNginx,
  renderedFiles,
  renderNginx,
  type RunningNginx,
  startNginx,
} from '../scripts/cluster/nginx.js';
import { ADMIN_TOKEN, type TestApp, testApp } from './helpers/app.js';
import { databaseAvailable, skipReason } from './helpers/database.js';
import { freePort } from './helpers/net.js';
import { noRedisServer, ownRedis } from './helpers/own-redis.js';

// nginx from the repo's template (deploy/nginx/nginx.conf.template) in front of real app
// processes. The address the app believes is read where the app itself writes it: the audit entry
// of each break-glass use (`accounts.break_glass.used`, data.address = request.ip).

const root = fileURLToPath(new URL('..', import.meta.url));
const nginxMissing = noNginx();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request on a connection of its own from `from` (a 127.x.y.z address: all of them are this machine). */
function send(url: string, opts: { from?: string; method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers, localAddress: opts.from, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${url}: no answer within 10 s`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

const json = (a: Answer) => JSON.parse(a.body.toString('utf8'));

/** An nginx of the test's own on free ports, in a temp dir, in front of `appServers`. */
async function ownNginx(appServers: string[], extra: Partial<NginxSettings> = {}): Promise<{ nginx: RunningNginx; base: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'taquilla-nginx-'));
  const [port, paymentPort] = [await freePort(), await freePort()];
  const settings = localNginxSettings(dir, {
    listen: `127.0.0.1:${port}`,
    paymentListen: `127.0.0.1:${paymentPort}`,
    appServers,
    paymentServers: appServers,
    webRoot: join(root, 'web', 'dist'),
    accessLog: 'off',
    ...extra,
  });
  const nginx = await startNginx(findNginx()!, dir, renderNginx(settings), { host: '127.0.0.1', port });
  return { nginx, base: `http://127.0.0.1:${port}`, dir };
}

describe('nginx in front of an app process (deploy/nginx)', { skip: nginxMissing ?? (databaseAvailable ? false : skipReason) }, () => {
  let t: TestApp;
  let appPort: number;
  let front: Awaited<ReturnType<typeof ownNginx>>;
  let webRoot: string;
  // A hashed asset of the test's own, with its .gz, as `npm run build:web` leaves them: the app
  // has no such file, so an answer with it can only come from nginx.
  const asset = `entry-${randomBytes(4).toString('hex')}.js`;
  const assetText = `export const greeting = ${JSON.stringify('hola '.repeat(400))};\n`;

  before(async () => {
    // nginx connects from 127.0.0.1: that address, and only it, is a trusted proxy.
    t = await testApp({ TRUSTED_PROXIES: '127.0.0.1/32' });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    appPort = (t.app.server.address() as { port: number }).port;
    webRoot = mkdtempSync(join(tmpdir(), 'taquilla-web-'));
    mkdirSync(join(webRoot, 'assets'));
    writeFileSync(join(webRoot, 'assets', asset), assetText);
    writeFileSync(join(webRoot, 'assets', `${asset}.gz`), gzipSync(assetText, { level: 9 }));
    front = await ownNginx([`127.0.0.1:${appPort}`], { webRoot });
  });
  after(async () => {
    await front?.nginx.stop();
    await t?.close();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
    if (front) rmSync(front.dir, { recursive: true, force: true });
  });

  /** The address the app wrote for a break-glass use made with `headers` from `from` to `base`. */
  async function believedAddress(base: string, from: string, headers: Record<string, string> = {}): Promise<string> {
    const earlier = await t.ctx.db.selectFrom('audit_log').select('id').where('action', '=', 'accounts.break_glass.used').execute();
    const answer = await send(`${base}/api/admin/shield`, { from, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers } });
    assert.equal(answer.status, 200, answer.body.toString());
    const rows = await t.ctx.db.selectFrom('audit_log').select(['id', 'data']).where('action', '=', 'accounts.break_glass.used').execute();
    const fresh = rows.filter((r) => !earlier.some((b) => b.id === r.id));
    assert.equal(fresh.length, 1, 'one audited use per request');
    return (fresh[0]!.data as { address: string }).address;
  }

  test('a request through nginx is seen by the app with the client’s own address', async () => {
    assert.equal(await believedAddress(front.base, '127.0.0.2'), '127.0.0.2');
    assert.equal(await believedAddress(front.base, '127.0.0.3'), '127.0.0.3');
  });

  test('an X-Forwarded-For a client sends to nginx is replaced, not believed', async () => {
    assert.equal(await believedAddress(front.base, '127.0.0.4', { 'x-forwarded-for': '203.0.113.7' }), '127.0.0.4');
    assert.equal(await believedAddress(front.base, '127.0.0.4', { 'x-forwarded-for': '203.0.113.7, 198.51.100.1' }), '127.0.0.4');
    // Why replaced and not appended: a client whose own address is inside TRUSTED_PROXIES (here
    // nginx's own, as for anything on its machine; a whole subnet in many deployments) would have
    // its header walked past and believed. Appended, this would be 203.0.113.7.
    assert.equal(await believedAddress(front.base, '127.0.0.1', { 'x-forwarded-for': '203.0.113.7' }), '127.0.0.1');
  });

  test('an X-Forwarded-For sent straight to an app process is believed only from TRUSTED_PROXIES', async () => {
    const direct = `http://127.0.0.1:${appPort}`;
    assert.equal(await believedAddress(direct, '127.0.0.5', { 'x-forwarded-for': '203.0.113.7' }), '127.0.0.5');
    // The same header from the trusted proxy's address is read: the rule is TRUSTED_PROXIES, not "never".
    assert.equal(await believedAddress(direct, '127.0.0.1', { 'x-forwarded-for': '203.0.113.7' }), '203.0.113.7');
  });

  test('hashed assets come from nginx, cached for a year, gzip when asked', async () => {
    const zipped = await send(`${front.base}/assets/${asset}`, { headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(zipped.status, 200);
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(zipped.headers.vary), /accept-encoding/i);
    assert.equal(zipped.headers['x-content-type-options'], 'nosniff');
    assert.match(String(zipped.headers['content-type']), /^text\/javascript/);
    assert.equal(gunzipSync(zipped.body).toString('utf8'), assetText);
    const plain = await send(`${front.base}/assets/${asset}`);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body.toString('utf8'), assetText);
    // Not in the build: nginx's 404, not a page from the app.
    assert.equal((await send(`${front.base}/assets/missing-0000.js`)).status, 404);
  });

  test('X-Request-Id: nginx makes one, or passes a well-formed one of the client’s on', async () => {
    const made = await send(`${front.base}/api/health/live`);
    assert.match(String(made.headers['x-request-id']), /^[0-9a-f]{32}$/);
    const kept = await send(`${front.base}/api/health/live`, { headers: { 'x-request-id': 'retry-3f9c2a71' } });
    assert.equal(kept.headers['x-request-id'], 'retry-3f9c2a71');
    const odd = await send(`${front.base}/api/health/live`, { headers: { 'x-request-id': 'x' } });
    assert.match(String(odd.headers['x-request-id']), /^[0-9a-f]{32}$/);
  });

  test('request bodies: 1 MB at most, except the seat-map routes (16 MB)', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 'a');
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` };
    const refused = await send(`${front.base}/api/admin/events`, { method: 'POST', headers, body: big });
    assert.equal(refused.status, 413);
    assert.equal(json(refused).error.code, 'payload_too_large');
    // Through nginx to the app, which reads it and finds it is not JSON.
    const passed = await send(`${front.base}/api/admin/venues`, { method: 'POST', headers, body: big });
    assert.equal(passed.status, 400, passed.body.toString().slice(0, 200));
  });

  test('nginx’s own limits answer 503 with Retry-After: JSON for the API, the shed page for pages', async () => {
    const tight = await ownNginx([`127.0.0.1:${appPort}`], { webRoot, limits: { rate: 1, burst: 1, connections: NGINX_LIMITS.connections } });
    try {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await send(`${tight.base}/api/health/live`, { from: '127.0.0.6' }));
      const refused = answers.filter((a) => a.status === 503);
      assert.ok(refused.length >= 1, `statuses ${answers.map((a) => a.status)}`);
      assert.equal(refused[0]!.headers['retry-after'], '5');
      assert.equal(json(refused[0]!).error.code, 'overloaded');
      // Another address has its own allowance.
      assert.equal((await send(`${tight.base}/api/health/live`, { from: '127.0.0.7' })).status, 200);
      let page: Answer | undefined;
      for (let i = 0; i < 4 && page?.status !== 503; i++) {
        page = await send(`${tight.base}/events/luna`, { from: '127.0.0.6', headers: { accept: 'text/html', 'accept-language': 'es-PR,es;q=0.9,en;q=0.5' } });
      }
      assert.equal(page!.status, 503);
      assert.equal(page!.headers['retry-after'], '5');
      assert.match(String(page!.headers['content-type']), /^text\/html/);
      assert.match(String(page!.headers['content-security-policy']), /script-src 'sha256-/);
      assert.match(page!.body.toString('utf8'), /<html lang="es">/);
      // The readiness probe is never limited.
      for (let i = 0; i < 5; i++) assert.equal((await send(`${tight.base}/api/health/ready`, { from: '127.0.0.6' })).status, 200);
    } finally {
      await tight.nginx.stop();
      rmSync(tight.dir, { recursive: true, force: true });
    }
  });

  test('no process answering: 503 with Retry-After (not 502), in the app’s shape', async () => {
    const nobody = await ownNginx([`127.0.0.1:${await freePort()}`], { webRoot });
    try {
      const api = await send(`${nobody.base}/api/events`);
      assert.equal(api.status, 503);
      assert.equal(api.headers['retry-after'], '5');
      assert.equal(json(api).error.code, 'overloaded');
      const page = await send(`${nobody.base}/`, { headers: { accept: 'text/html' } });
      assert.equal(page.status, 503);
      assert.match(page.body.toString('utf8'), /<html lang="en">/);
    } finally {
      await nobody.nginx.stop();
      rmSync(nobody.dir, { recursive: true, force: true });
    }
  });
});

test('the committed renderings (compose.conf, debian.conf, errors/) match the template: npm run cluster -- --render', () => {
  for (const [file, text] of Object.entries(renderedFiles())) {
    assert.ok(existsSync(file), `${file} is missing: npm run cluster -- --render`);
    assert.equal(readFileSync(file, 'utf8'), text, `${file} is out of date: npm run cluster -- --render`);
  }
});

test('nginx accepts the configuration it is given for a cluster', { skip: nginxMissing }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'taquilla-nginx-t-'));
  try {
    const conf = renderNginx(
      localNginxSettings(dir, {
        listen: '127.0.0.1:1',
        paymentListen: '127.0.0.1:2',
        appServers: ['127.0.0.1:3'],
        paymentServers: ['127.0.0.1:4'],
        webRoot: dir,
      }),
    );
    writeFileSync(join(dir, 'nginx.conf'), conf);
    const result = spawnSync(findNginx()!, ['-e', 'stderr', '-p', dir, '-c', join(dir, 'nginx.conf'), '-t'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('deploy/compose.yaml', () => {
  const file = join(root, 'deploy', 'compose.yaml');
  const compose = parse(readFileSync(file, 'utf8'), { merge: true }) as any;
  const services = compose.services;

  test('nginx, two app processes, PostgreSQL 15 or newer and Redis with its append-only file', () => {
    assert.deepEqual(Object.keys(services).sort(), ['app1', 'app2', 'migrate', 'nginx', 'postgres', 'redis']);
    const pgMajor = Number(/^postgres:(\d+)/.exec(services.postgres.image)?.[1]);
    assert.ok(pgMajor >= 15, services.postgres.image);
    assert.match(services.redis.image, /^redis:\d/);
    assert.deepEqual(services.redis.command.slice(1, 3), ['--appendonly', 'yes']);
    assert.ok(services.postgres.volumes.some((v: string) => v.endsWith(':/var/lib/postgresql/data')));
    assert.ok(services.redis.volumes.some((v: string) => v.endsWith(':/data')));
    assert.equal(services.nginx.build.target, 'nginx');
    for (const app of ['app1', 'app2', 'migrate']) assert.equal(services[app].build.target, 'app');
  });

  test('health checks, and each service waits for what it needs to be healthy', () => {
    for (const name of ['postgres', 'redis', 'nginx']) assert.ok(services[name].healthcheck?.test, `${name} has a healthcheck`);
    // The app's health check is the image's (HEALTHCHECK in the Dockerfile, on /api/health/ready).
    assert.match(readFileSync(join(root, 'Dockerfile'), 'utf8'), /HEALTHCHECK[^\n]*\n[^\n]*\/api\/health\/ready/);
    for (const app of ['app1', 'app2']) {
      assert.deepEqual(services[app].depends_on, {
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
      assert.equal(services[app].healthcheck, undefined, 'the image’s own health check is kept');
    }
    assert.deepEqual(services.nginx.depends_on, { app1: { condition: 'service_healthy' }, app2: { condition: 'service_healthy' } });
    assert.deepEqual(services.migrate.depends_on, { postgres: { condition: 'service_healthy' } });
  });

  test('the app processes believe X-Forwarded-For from nginx’s address only, and need their secrets', () => {
    const nginxAddress = services.nginx.networks.taquilla.ipv4_address;
    for (const app of ['app1', 'app2']) {
      const env = services[app].environment;
      assert.equal(env.TRUSTED_PROXIES, `${nginxAddress}/32`);
      assert.equal(env.NODE_ENV, 'production');
      assert.equal(env.HOST, '0.0.0.0');
      assert.match(env.TAQUILLA_SECRET, /^\$\{TAQUILLA_SECRET:\?/, 'no default secret');
      assert.match(env.DATABASE_URL, /@postgres:5432\//);
      assert.equal(env.REDIS_URL, 'redis://redis:6379');
    }
    const apps = ['app1', 'app2'].map((a) => services[a].networks.taquilla.ipv4_address);
    assert.equal(new Set([nginxAddress, ...apps]).size, 3, 'fixed, distinct addresses');
    // nginx's upstreams are the two app services.
    assert.match(readFileSync(join(root, 'deploy', 'nginx', 'compose.conf'), 'utf8'), /server app1:3000 [^\n]*\n\s*server app2:3000 /);
  });

  const composeMissing = spawnSync('docker', ['compose', 'version']).status === 0 ? undefined : 'no `docker compose` here; the file was checked as YAML above';
  test('docker compose config accepts it', { skip: composeMissing }, () => {
    const env = { ...process.env, TAQUILLA_SECRET: 'x'.repeat(32), TAQUILLA_ADMIN_TOKEN: 'y'.repeat(32), POSTGRES_PASSWORD: 'compose-check' };
    const result = spawnSync('docker', ['compose', '-f', file, 'config', '--quiet'], { env, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  });
});

// The cluster script itself: two app processes behind nginx on a database and a Redis of the
// test's own; one process is killed and comes back while nginx keeps answering; Ctrl-C stops all.
const clusterSkip =
  nginxMissing ??
  noRedisServer ??
  (databaseAvailable ? undefined : skipReason) ??
  (existsSync(join(root, 'web', 'dist', 'build-manifest.json')) ? undefined : 'the front end is not built (npm run build:web); skipped');

test('npm run cluster: a killed app process comes back by itself, and SIGINT stops everything', { skip: clusterSkip, timeout: 240_000 }, async () => {
  const redis = await ownRedis({ appendonly: true });
  await redis.start();
  const adminUrl = new URL(process.env.TAQUILLA_TEST_ADMIN_URL!);
  const dbName = `${process.env.TAQUILLA_TEST_PREFIX}_cluster_${randomBytes(3).toString('hex')}`;
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${dbName}`;
  const dir = mkdtempSync(join(tmpdir(), 'taquilla-cluster-'));
  const [port, paymentPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/cluster.ts', '--nodes', '2', '--port', String(port), '--payment-port', String(paymentPort), '--dir', dir, '--no-build'],
    {
      cwd: root,
      env: { ...process.env, NODE_ENV: '', DATABASE_URL: databaseUrl.toString(), REDIS_URL: redis.url, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (d) => {
    output += d;
  });
  child.stderr!.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const state = () => JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as { nginx: { pid: number }; nodes: { port: number; pid: number }[] };
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  let pids: number[] = [];
  try {
    for (const deadline = Date.now() + 180_000; !/is selling at/.test(output); await sleep(200)) {
      assert.ok(child.exitCode === null, `the cluster exited:\n${output}`);
      assert.ok(Date.now() < deadline, `the cluster did not start within 180 s:\n${output}`);
    }
    assert.match(output, /created the database/);
    assert.match(output, /demo concert seeded/);
    const first = state();
    pids = [first.nginx.pid, ...first.nodes.map((n) => n.pid)];
    assert.equal(first.nodes.length, 2);
    const events = await send(`${base}/api/events`);
    assert.equal(events.status, 200);
    assert.equal((json(events) as unknown[]).length, 1, 'the demo concert');
    assert.equal((await send(`http://127.0.0.1:${paymentPort}/health`)).status, 200, 'the card form, through nginx');

    // A dead process: nginx keeps answering from the other, and the supervisor starts it again.
    const victim = first.nodes[0]!;
    process.kill(victim.pid, 'SIGKILL');
    let back: number | undefined;
    let during = 0;
    for (const deadline = Date.now() + 90_000; back === undefined; await sleep(250)) {
      assert.ok(Date.now() < deadline, `node 1 did not come back within 90 s:\n${output}`);
      const answer = await send(`${base}/api/events`);
      assert.equal(answer.status, 200, `while node 1 was down: ${answer.status} ${answer.body.toString().slice(0, 200)}`);
      during++;
      const now = state().nodes[0]!.pid;
      if (now !== victim.pid) back = now;
    }
    assert.ok(during > 0);
    assert.match(output, /node 1 was killed \(SIGKILL\)[^\n]*starting it again/);
    assert.ok(alive(back));
    pids.push(back);
    const ready = await send(`http://127.0.0.1:${victim.port}/api/health/ready`);
    assert.equal(ready.status, 200, 'the new node 1 serves on its port again');

    child.kill('SIGINT');
    const code = await Promise.race([exited, sleep(45_000).then(() => 'late' as const)]);
    assert.equal(code, 0, output);
    assert.match(output, /stopped/);
    for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} still runs after the cluster stopped`);
    await assert.rejects(send(`${base}/api/events`), 'nothing listens where nginx was');
    assert.equal(existsSync(join(dir, 'cluster.json')), false);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await redis.close();
    const admin = new pg.Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
});
