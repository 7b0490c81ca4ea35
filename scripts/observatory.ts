/**
 * Grades Taquilla's front page with the MDN HTTP Observatory scanner (npm
 * `@mdn/mdn-http-observatory`), twice: (a) over plain http, and (b) behind a TLS terminator on
 * 127.0.0.2:443 (with the usual redirect on :80) under a certificate from a CA made for the run.
 * Each run starts its own production-mode server (src/server.ts, embedded PostgreSQL in a
 * temporary data dir). Prints each test's pass, score modifier and result, and the grade; exits 1
 * when a test that does not need https fails, or in the https run when any test fails.
 *
 *   npx tsx scripts/observatory.ts [--write] [--only http|https]
 *
 * The scanner is installed into .cache/observatory (git-ignored) with --ignore-scripts: its
 * postinstall fetches the Chromium HSTS preload list and the IANA TLD list from the internet,
 * and a certificate bundle package downloads in its own postinstall. The CLI needs only the
 * preload list, written here as an empty one (no loopback name is preloaded). The scanner's own
 * wrapper points NODE_EXTRA_CA_CERTS at that bundle, so src/scan.js is run directly with the
 * run's CA instead. All traffic stays on 127.0.0.0/8.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { children, freePort, root, runBench, stop, waitUntilUp, writeResult } from '../bench/processes.js';

const SCANNER = '@mdn/mdn-http-observatory';
const SCANNER_VERSION = '1.4.8';
const CACHE = join(root, '.cache', 'observatory');
const PACKAGE = join(CACHE, 'node_modules', ...SCANNER.split('/'));
const TLS_HOST = '127.0.0.2';
/** Tests a plain-http site cannot pass, whatever its headers. */
const NEEDS_HTTPS = new Set(['redirection', 'strict-transport-security']);
const INSECURE_COOKIE = /without-secure-flag/;
const WATCHDOG_MS = 12 * 60_000;

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const work = mkdtempSync(join(tmpdir(), 'taquilla-observatory-'));
const servers: Server[] = [];
const out: string[] = [];
const say = (line = '') => {
  console.log(line);
  out.push(line);
};

interface TestResult {
  pass: boolean;
  result: string;
  scoreModifier: number;
}
interface ScanOutput {
  scan: { grade: string; score: number; testsPassed: number; testsQuantity: number; statusCode: number };
  tests: Record<string, TestResult>;
}

function run(command: string, argv: string[], opts: { cwd?: string; timeoutMs: number }): string {
  const r = spawnSync(command, argv, { cwd: opts.cwd ?? root, encoding: 'utf8', timeout: opts.timeoutMs });
  if (r.status !== 0) throw new Error(`${command} ${argv.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Installs the pinned scanner once; its postinstall would download, so it is skipped (see top). */
function ensureScanner(): void {
  const installed = existsSync(join(PACKAGE, 'package.json')) && JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')).version === SCANNER_VERSION;
  if (!installed) {
    console.log(`installing ${SCANNER}@${SCANNER_VERSION} into ${CACHE} (--ignore-scripts)`);
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(join(CACHE, 'package.json'), '{ "private": true, "description": "scanner for scripts/observatory.ts" }\n');
    run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', `${SCANNER}@${SCANNER_VERSION}`], {
      cwd: CACHE,
      timeoutMs: 300_000,
    });
  }
  const preload = join(PACKAGE, 'conf', 'hsts-preload.json');
  if (!existsSync(preload)) writeFileSync(preload, '{}\n');
}

/** A CA and a certificate for TLS_HOST signed by it, both for this run only (2 days). */
function makeCertificates(): { ca: string; key: string; cert: string } {
  const f = (name: string) => join(work, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('openssl', ['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=Taquilla observatory run CA'], {
    timeoutMs: 20_000,
  });
  run('openssl', ['req', ...ec, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', `/CN=${TLS_HOST}`], { timeoutMs: 20_000 });
  writeFileSync(f('server.ext'), `subjectAltName=IP:${TLS_HOST}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
  run(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      f('server.csr'),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      f('server.ext'),
      '-out',
      f('server.pem'),
    ],
    { timeoutMs: 20_000 },
  );
  return { ca: f('ca.pem'), key: readFileSync(f('server.key'), 'utf8'), cert: readFileSync(f('server.pem'), 'utf8') };
}

/** src/server.ts in production mode on 127.0.0.1, its own embedded PostgreSQL and data dir. */
async function startTaquilla(label: string, port: number, env: Record<string, string>): Promise<() => Promise<void>> {
  const [paymentPort, pgPort] = [await freePort(), await freePort()];
  const dataDir = join(work, `data-${label}`);
  let log = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      PAYMENT_PORT: String(paymentPort),
      PAYMENT_ORIGIN: `http://127.0.0.1:${paymentPort}`,
      EMBEDDED_PG_PORT: String(pgPort),
      TAQUILLA_DATA_DIR: dataDir,
      TAQUILLA_SECRET: randomBytes(32).toString('base64url'),
      TAQUILLA_ADMIN_TOKEN: randomBytes(32).toString('base64url'),
      ...env,
    },
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  const keep = (d: Buffer) => {
    log = (log + d.toString('utf8')).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  await waitUntilUp(child, `http://127.0.0.1:${port}/api/health`, () => log);
  return () => stop(child);
}

function listen(server: Server, port: number): Promise<void> {
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EACCES' ? new Error(`binding ${TLS_HOST}:${port} needs root (or CAP_NET_BIND_SERVICE): the scanner only speaks to ports 80 and 443`) : e,
      ),
    );
    server.listen(port, TLS_HOST, resolve);
  });
}

/** What a deployment's terminator does: https on 443 proxied to the app, a redirect to it on 80. */
async function startTerminator(tls: { key: string; cert: string }, appPort: number): Promise<void> {
  const proxy = createHttpsServer(tls, (req, res) => {
    const upstream = request(
      {
        host: '127.0.0.1',
        port: appPort,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '', 'x-forwarded-proto': 'https' },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await listen(proxy, 443);
  await listen(
    createHttpServer((req, res) => res.writeHead(301, { location: `https://${TLS_HOST}${req.url ?? '/'}` }).end()),
    80,
  );
}

/** Runs the scanner's CLI (src/scan.js, not the wrapper: see top) and reads its JSON. */
function scan(host: string, ca?: string): Promise<ScanOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(PACKAGE, 'src', 'scan.js'), host], {
      cwd: CACHE,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '', ...(ca ? { NODE_EXTRA_CA_CERTS: ca } : {}) },
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      children.delete(child);
      try {
        const parsed = JSON.parse(stdout) as ScanOutput & { error?: string };
        if (parsed.error || code !== 0) throw new Error(parsed.error ?? `exit ${code}`);
        resolve(parsed);
      } catch (error) {
        reject(new Error(`scanning ${host} failed: ${(error as Error).message}\n${stdout}${stderr}`));
      }
    });
  });
}

/** Prints one run; answers the names of the tests that count as failures for it. */
async function report(title: string, result: ScanOutput, https: boolean): Promise<string[]> {
  const charts = await import(pathToFileURL(join(PACKAGE, 'src', 'grader', 'charts.js')).href);
  const grader = await import(pathToFileURL(join(PACKAGE, 'src', 'grader', 'grader.js')).href);
  const titles = charts.TEST_TITLES as Record<string, string>;
  const describe = (r: string) =>
    String(grader.getScoreDescription(r))
      .replace(/<[^>]+>/g, '')
      .replace(/\s+/g, ' ')
      .trim();
  const { scan: s, tests } = result;
  say(`## ${title}`);
  say();
  say(`Grade **${s.grade}** (score ${s.score}), ${s.testsPassed} of ${s.testsQuantity} tests passed; the page answered ${s.statusCode}.`);
  say();
  say('| test | pass | score | result |');
  say('|---|---|---|---|');
  const failures: string[] = [];
  for (const [name, t] of Object.entries(tests)) {
    const needsHttps = NEEDS_HTTPS.has(name) || (name === 'cookies' && INSECURE_COOKIE.test(t.result));
    if (!t.pass && (https || !needsHttps)) failures.push(name);
    const mark = t.pass ? 'pass' : !https && needsHttps ? 'fail (needs https)' : '**FAIL**';
    const modifier = t.scoreModifier > 0 ? `+${t.scoreModifier}` : String(t.scoreModifier);
    say(`| ${titles[name] ?? name} | ${mark} | ${modifier} | \`${t.result}\`: ${describe(t.result)} |`);
  }
  say();
  return failures;
}

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    console.error(`the observatory run took over ${WATCHDOG_MS / 60_000} minutes: stopping`);
    process.kill(process.pid, 'SIGTERM');
  }, WATCHDOG_MS);
  ensureScanner();
  if (!existsSync(join(root, 'web', 'dist', 'index.html'))) run('npm', ['run', 'build:web'], { timeoutMs: 300_000 });
  const date = new Date().toISOString().slice(0, 10);
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).stdout.trim() !== '';
  say(`# MDN HTTP Observatory: ${date}`);
  say();
  say(
    `${SCANNER} ${SCANNER_VERSION} (installed with --ignore-scripts, empty HSTS preload list) on Node ${process.version}, ` +
      `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}; Taquilla ${commit}${dirty ? ' with uncommitted changes' : ''}, ` +
      'NODE_ENV=production, embedded PostgreSQL. The scanner grades the front page `/` only.',
  );
  say();
  const failures: string[] = [];

  if (only !== 'https') {
    // The scanner takes host:port as its "hostname" and tries https on the same port, which fails: http only.
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const stopApp = await startTaquilla('http', port, { BASE_URL: `http://${host}` });
    const result = await scan(host);
    failures.push(...(await report(`(a) plain http: \`http://${host}\``, result, false)).map((n) => `http ${n}`));
    await stopApp();
  }

  if (only !== 'http') {
    const tls = makeCertificates();
    const base = `https://${TLS_HOST}`;
    const port = await freePort();
    const stopApp = await startTaquilla('https', port, {
      BASE_URL: base,
      PAYMENT_ORIGIN: 'https://127.0.0.3',
      TRUSTED_PROXIES: '127.0.0.1',
      // The tamper check fetches the pages through the terminator, as a browser would.
      NODE_EXTRA_CA_CERTS: tls.ca,
    });
    await startTerminator(tls, port);
    const result = await scan(TLS_HOST, tls.ca);
    failures.push(
      ...(await report(`(b) https behind a TLS terminator: \`${base}\` (:443 proxied to the app, :80 redirects)`, result, true)).map((n) => `https ${n}`),
    );
    await stopApp();
  }

  say(failures.length ? `Failing: ${failures.join(', ')}.` : 'Every test that applies passed.');
  if (args.includes('--write')) writeResult('observatory', date, `${out.join('\n')}\n`);
  clearTimeout(watchdog);
  if (failures.length) process.exitCode = 1;
}

await runBench(
  () => {
    if (only !== undefined && only !== 'http' && only !== 'https') throw new Error('--only takes http or https');
    return main();
  },
  async () => {
    await Promise.all([...children].map((child) => stop(child, 15_000)));
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    rmSync(work, { recursive: true, force: true });
  },
  'the servers and temporary files',
);
