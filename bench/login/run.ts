import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import pg from 'pg';
import { cpuShares, flags, numberFlag, sampleCpu, sleep, waitForQuiet, type CpuSample } from '../checkout/common.js';
import { machine, postgresVersion } from '../checkout/report.js';
import { adminClient, analyze, createDatabase } from '../checkout/setup.js';
import { cleanupOnce, freePort, pinnable, pinned, runBench, start, waitUntilUp, writeResult } from '../processes.js';
import type { AttackResult } from './attack.js';
import { refusedBefore, renderReport, takeovers, type LoginReport, type Verifications } from './report.js';
import { makeAccounts, makeList, random, seedAccounts, writeJson } from './seed.js';
import type { Person, UsersResult } from './users.js';

/**
 * `npx tsx bench/login/run.ts`: a credential-stuffing attack on staff sign-in. Seeds `--accounts`
 * staff (password + enrolled TOTP) in a fresh database, starts the server on core 0
 * (`NODE_ENV=production`), measures one argon2 verification in a separate process on that core,
 * lets `--users` real staff sign in once, then runs together on core 1: the attacker
 * (`attack.ts`, `--attempts` pairs from `--sources` addresses over `--duration` s) and the real
 * staff signing in again (`users.ts`). Afterwards it counts the server's password verifications
 * and any takeover in SQL. Writes `bench/results/login-<date>.md` unless --no-write; exits 1 if
 * the attacker signed in anywhere. Flags: see bench/README.md.
 */
const PG_BASE = 'postgres://postgres@127.0.0.1:5432';
const argv = process.argv.slice(2);
const f = flags(argv);
const cap = (name: string, fallback: number, max: number) => Math.min(numberFlag(f, name, fallback), max);
const accounts = cap('accounts', 1000, 20_000);
const attempts = cap('attempts', 10_000, 100_000);
const leakedShare = Number(f.get('leaked') ?? 0.02);
const sources = cap('sources', 200, 254 * 16);
const sourcePrefixes = cap('source-prefixes', 1, 254);
const userCount = Math.min(cap('users', 50, 254), accounts);
const userPrefixes = cap('user-prefixes', 1, 50);
const duration = cap('duration', 75, 150);
const timeCap = cap('cap', duration + 25, 180);
const totpTries = cap('totp-tries', 3, 20);
const userDelay = cap('delay', 5, 60);
const userArrival = cap('arrival', 60, 150);
const seed = cap('seed', 11, 2 ** 31);
const quietWait = Number(f.get('quiet-wait') ?? 30);
const redis = f.has('redis');
const write = !f.has('no-write');
const dbPrefix = `taquilla_bench_login_${process.pid}`;
const workDir = `/tmp/taquilla-login-bench-${process.pid}`;
const secret = `bench-secret-${'s'.repeat(40)}`;
const tsx = [process.execPath, '--import', 'tsx'];
if (!(leakedShare >= 0 && leakedShare <= 1)) throw new Error('--leaked is a share, 0 to 1');
if (userDelay + userArrival > timeCap) throw new Error('--delay + --arrival must end before --cap');
/** The attacker's addresses and the real users' in SQL (the server may see IPv4-mapped IPv6). */
const ATTACKER = '(^|:)127\\.1\\.';
const USERS = '(^|:)127\\.2\\.';

let admin: pg.Client | undefined;
const databases = [dbPrefix];

/** Runs a generator to its end and returns its last JSON line; other lines are echoed. */
function generator<T>(name: string, command: string[]): { child: ChildProcess; done: Promise<T> } {
  let last = '';
  const child = start(command, process.env, (line) => {
    if (line.startsWith('{')) last = line;
    else if (line) console.log(`  [${name}] ${line}`);
  });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`  [${name}] ${chunk.toString('utf8')}`));
  const done = new Promise<T>((resolve, reject) =>
    child.once('exit', (code) => (code === 0 && last ? resolve(JSON.parse(last) as T) : reject(new Error(`the ${name} process exited with ${code}`)))),
  );
  done.catch(() => {});
  return { child, done };
}

async function verificationsIn(url: string, from: Date, to: Date): Promise<Verifications> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT action, data->>'factor' AS factor,
              CASE WHEN data->>'address' ~ $3 THEN 'attacker' WHEN data->>'address' ~ $4 THEN 'users' ELSE 'other' END AS who,
              count(*)::int AS n
         FROM audit_log WHERE at >= $1 AND at <= $2 GROUP BY 1, 2, 3`,
      [from, to, ATTACKER, USERS],
    );
    const out: Verifications = { attacker: 0, users: 0, window: 0, actions: {} };
    for (const r of rows as { action: string; factor: string | null; who: string; n: number }[]) {
      const key = `${r.action}${r.factor ? ` (${r.factor})` : ''}, ${r.who}`;
      out.actions[key] = (out.actions[key] ?? 0) + r.n;
      const verified = r.action === 'accounts.staff.password_verified' || (r.action === 'accounts.staff.sign_in_failed' && r.factor === 'password');
      if (!verified) continue;
      out.window += r.n;
      if (r.who === 'attacker') out.attacker += r.n;
      if (r.who === 'users') out.users += r.n;
    }
    return out;
  } finally {
    await client.end();
  }
}

async function sqlTakeovers(url: string): Promise<LoginReport['sqlTakeovers']> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const sessions = await client.query(`SELECT count(*)::int AS n FROM sessions WHERE kind = 'staff' AND state = 'signed_in' AND ip ~ $1`, [ATTACKER]);
    const audited = await client.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'accounts.staff.signed_in' AND data->>'address' ~ $1`, [
      ATTACKER,
    ]);
    return { sessions: sessions.rows[0].n, audited: audited.rows[0].n };
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const client = await adminClient(PG_BASE);
  if (typeof client === 'string') {
    console.log(`PostgreSQL at 127.0.0.1:5432 is not reachable (${client}); the server needs it. Nothing measured, no results written.`);
    return;
  }
  admin = client;
  mkdirSync(workDir, { recursive: true });
  const notes: string[] = [];
  if (!pinnable) notes.push('taskset is missing or the machine has fewer than 2 cores: everything ran unpinned.');

  console.log(`creating database ${dbPrefix}`);
  const dbUrl = await createDatabase(admin, PG_BASE, dbPrefix);
  const rnd = random(seed);
  const staff = makeAccounts(accounts, rnd);
  const list = makeList(staff, attempts, leakedShare, rnd);
  const leakedPairs = list.filter((p) => p.real).length;
  console.log(`hashing and inserting ${accounts} staff accounts (argon2id, TOTP enrolled)`);
  const seedSeconds = await seedAccounts(dbUrl, secret, staff);
  await analyze(dbUrl);
  // Half the real users among the accounts whose password is in the list, half among the others.
  const leakedAccounts = Math.min(leakedPairs, accounts);
  const half = Math.min(Math.ceil(userCount / 2), leakedAccounts);
  const picks = [
    ...Array.from({ length: half }, (_, i) => i),
    ...Array.from({ length: userCount - half }, (_, i) => Math.min(accounts - 1, leakedAccounts + i)),
  ];
  const perPrefix = Math.ceil(userCount / userPrefixes);
  const people: Person[] = picks.map((index, i) => ({
    ...staff[index]!,
    address: `127.2.${Math.floor(i / perPrefix)}.${(i % perPrefix) + 1}`,
    leaked: index < leakedAccounts,
  }));
  writeJson(`${workDir}/list.json`, list);
  writeJson(`${workDir}/users.json`, people);

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const serverLog: string[] = [];
  const server = start(
    pinned(0, [...tsx, 'src/server.ts']),
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: dbUrl,
      PORT: String(port),
      PAYMENT_PORT: String(await freePort()),
      BASE_URL: baseUrl,
      TAQUILLA_SECRET: secret,
      TAQUILLA_ADMIN_TOKEN: `bench-admin-${'x'.repeat(32)}`,
      TAQUILLA_SEED_DEMO: 'false',
      TAQUILLA_DATA_DIR: `${workDir}/data`,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      ...(redis ? { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: `taquilla-bench-login-${process.pid}:`, REDIS_REQUIRE_AOF: 'false' } : {}),
    },
    (line) => line.startsWith('{') && serverLog.push(line),
  );
  server.stderr!.on('data', (chunk: Buffer) => serverLog.push(chunk.toString('utf8')));
  await waitUntilUp(server, `${baseUrl}/api/health`, () => serverLog.slice(-30).join('\n'));
  console.log(`server up on ${baseUrl}${pinnable ? ', pinned to core 0' : ''}`);

  // One verification's cost, on the server's core while the server idles.
  const argon2 = await generator<LoginReport['argon2']>('argon2', pinned(0, [...tsx, 'bench/login/argon2-cost.ts', '--verifications', '60'])).done;
  console.log(`one argon2 verification: ${argon2.cpuMsPerVerify.toFixed(1)} ms CPU, ${argon2.wallMsPerVerify.toFixed(1)} ms wall`);

  if (quietWait > 0) {
    const busy = await waitForQuiet(quietWait * 1000, dbPrefix);
    if (busy >= 0.15) notes.push(`the machine was ${Math.round(busy * 100)}% busy with other work just before the attack (waited ${quietWait} s for quiet).`);
  }
  // The real users' first sign-in happens in the lead-up; the attack and the window start at startAt.
  const startAt = Date.now() + 8000;
  const common = ['--url', baseUrl, '--start-at', String(startAt), '--cap', String(timeCap)];
  const users = generator<UsersResult>(
    'users',
    pinned(1, [...tsx, 'bench/login/users.ts', ...common, '--users', `${workDir}/users.json`, '--delay', String(userDelay), '--arrival', String(userArrival)]),
  );
  const attack = generator<AttackResult>(
    'attack',
    pinned(1, [
      ...tsx,
      'bench/login/attack.ts',
      ...common,
      '--list',
      `${workDir}/list.json`,
      '--duration',
      String(duration),
      '--sources',
      String(sources),
      '--prefixes',
      String(sourcePrefixes),
      '--totp-tries',
      String(totpTries),
    ]),
  );
  console.log(`${attempts} attempts on ${accounts} accounts from ${sources} addresses over ${duration} s, while ${userCount} real users sign in`);
  await sleep(Math.max(0, startAt - Date.now()));
  // The generators exit before the last sample: their CPU is what each reports of its own.
  const first: CpuSample = sampleCpu([server.pid!], dbPrefix);
  const from = new Date();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the generators did not finish within ${timeCap + 40} s`)), (timeCap + 40) * 1000);
  });
  const [attackResult, usersResult] = await Promise.race([Promise.all([attack.done, users.done]), late]).finally(() => clearTimeout(timer));
  const last = sampleCpu([server.pid!], dbPrefix);
  const to = new Date();
  const windowSeconds = (last.at - first.at) / 1000;
  const serverCpuSeconds = last.process.get(server.pid!)! - first.process.get(server.pid!)!;
  const shares = cpuShares(first, last);
  const generators = (attackResult.cpuSeconds + usersResult.cpuSeconds) / windowSeconds;
  shares.rest = Math.max(0, shares.rest - generators);
  await sleep(500);
  const verifications = await verificationsIn(dbUrl, from, new Date(to.getTime() + 500));
  const sql = await sqlTakeovers(dbUrl);

  if (usersResult.lateBaseline) notes.push("the real users' first sign-in was still running when the attack began.");
  if (server.exitCode !== null || server.signalCode !== null) notes.push(`the server process ended during the run (${server.exitCode ?? server.signalCode}).`);
  const refused = refusedBefore(attackResult.password);
  const other = attackResult.sent - refused - verifications.attacker;
  if (other !== 0)
    notes.push(
      `attempts − refusals − verifications = ${other}: answers that were neither a refusal nor a verification (or verifications not audited); see the password step's answers.`,
    );
  const userRefusals = Object.keys(usersResult.attack.refusals).join(' ');
  if (userRefusals.includes('rate_limited'))
    notes.push(
      `the real users were refused by the shield's \`login\` class limits (\`429 rate_limited\`: per address and per /24, counted in the shield's gate before the route, so before the login throttle and its device budget) ${userRefusals.includes('too_many_attempts') ? 'and by the login throttle (`too_many_attempts`)' : 'and never by the login throttle (`too_many_attempts`)'}; ${perPrefix === userCount ? `all ${userCount} share 127.2.0.0/24` : `${perPrefix} share each /24`} (\`--user-prefixes\` spreads them). In shield mode each step costs the /24 two points (the 401 \`challenge_required\` and the retry with the proof).`,
    );
  if (shares.rest > 0.15) notes.push(`other processes used ${shares.rest.toFixed(2)} core during the window: the server's figures may be understated.`);
  const warnings = serverLog.filter((l) => /"level":(40|50|60)/.test(l));
  if (warnings.length) notes.push(`the server logged ${warnings.length} warnings or errors; the first: \`${warnings[0]!.slice(0, 300)}\``);

  const report: LoginReport = {
    date: new Date().toISOString().slice(0, 10),
    command: `npx tsx bench/login/run.ts${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    machine: machine(),
    node: process.version,
    postgres: await postgresVersion(admin),
    leakedPairs,
    settings: [
      [
        'accounts',
        `${accounts} staff, roles mixed, each an argon2id password hash (\`hashPassword\`) and an enrolled TOTP secret sealed as \`totpConfirm\` stores it; inserted straight into the bench's database (${seedSeconds.toFixed(1)} s), not through the API`,
      ],
      [
        'attacker',
        `${attempts} (email, password) pairs over the ${accounts} accounts (${attempts / accounts} each), ${leakedPairs} of them (${(leakedShare * 100).toFixed(1)}%) the account's real password, shuffled (seed ${seed}); sent evenly over ${duration} s from ${sources} addresses (${sourcePrefixes === 1 ? `127.1.0.1–127.1.0.${sources}` : `127.1.0.1–… spread over ${sourcePrefixes} /24s`}, round robin, \`node:http\` keep-alive from each \`localAddress\`), never honouring Retry-After, time cap ${timeCap} s; on a second-factor step, ${totpTries} made-up TOTP codes with the cookie it was given, then \`GET /api/auth/staff/me\` and \`GET /api/admin/staff\` with it. It keeps no cookies between attempts`,
      ],
      [
        'real users',
        `${userCount} of the attacked accounts (${people.filter((p) => p.leaked).length} of them with their real password in the attacker's list), each a browser with its own address (127.2.0.0/16, ${perPrefix} per /24) and cookie jar; each signs in once before the attack (password, then the authenticator's code), then once during it, evenly from ${userDelay} s to ${userDelay + userArrival} s: password, then a fresh code; Retry-After honoured; success checked with \`GET /api/auth/staff/me\``,
      ],
      [
        'server',
        `\`src/server.ts\`, \`NODE_ENV=production\`, \`LOG_LEVEL=warn\`, shield on (defaults), ${redis ? 'Redis at 127.0.0.1:6379 (own prefix)' : 'no `REDIS_URL` (counts in memory)'}`,
      ],
      ['pinning', pinnable ? 'server and the argon2 measurement `taskset -c 0`; attacker and real users `taskset -c 1`; PostgreSQL unpinned' : 'none'],
    ],
    attack: attackResult,
    users: usersResult,
    verifications,
    sqlTakeovers: sql,
    argon2,
    serverCpuSeconds,
    windowSeconds,
    cores: { generators, postgres: shares.postgres, rest: shares.rest },
    notes,
  };
  const markdown = renderReport(report);
  console.log(`\n${markdown}`);
  if (write) writeResult('login', report.date, markdown);
  const lost = takeovers(report);
  console.log(
    `summary: ${attackResult.sent} attempts, ${refused} refused before hashing, ${verifications.attacker} verifications for the attacker ` +
      `(${(verifications.attacker / Math.max(1, attackResult.sent)).toFixed(3)} per attempt), ${attackResult.confirmed} passwords confirmed, ` +
      `${lost} takeovers; real users ${usersResult.attack.ok}/${usersResult.attack.tried}, p50 ${usersResult.attack.latency.p50.toFixed(0)} ms, p99 ${usersResult.attack.latency.p99.toFixed(0)} ms`,
  );
  if (lost > 0) {
    console.error(`TAKEOVERS: ${lost}; the attacker signed in.`);
    process.exitCode = 1;
  }
}

await runBench(
  main,
  cleanupOnce(
    databases,
    () => admin,
    () => rmSync(workDir, { recursive: true, force: true }),
  ),
  'the bench database',
);
