import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { flags, numberFlag } from '../checkout/common.js';
import { machine } from '../checkout/report.js';
import { root, writeResult } from '../processes.js';

/**
 * `npx tsx bench/queue/memory.ts`: what a waiting fan costs in memory (issue 15), for the
 * in-memory store and the Redis store. Each line length runs in a fresh process
 * (`memory-run.ts`, --expose-gc): join N fans, poll each once through the fast lane's calls,
 * compare memory after forced GC with before; the largest also measures the poll cost against a
 * 1,000-fan room, interleaved. Flags: --fans 1000,10000,100000,1000000 --stores memory,redis
 * --cost-rounds 30 --redis-url redis://127.0.0.1:6379 --no-write --save FILE (raw results as JSON)
 * --compare FILE (a saved run, shown as "before").
 */
interface Run {
  store: string;
  fans: number;
  before: { heap: number; external: number; rss: number };
  after: { heap: number; external: number; rss: number };
  redisBefore: number;
  redisAfter: number;
  keys?: Record<string, number>;
  joinNs: number;
  pollNs: number;
  cost?: { small: number[]; big: number[]; smallCpu?: number[]; bigCpu?: number[] };
}

const GOAL_MB = 50;
/** Printed under every report: what the columns do and do not say. */
const READING = [
  '### Reading it',
  '',
  '- **app heap+external** is what stays reachable after forced GC: the store, the signer and anything they keep. **RSS** also holds what',
  "  V8 and the allocators keep after the joins' garbage (reused by later work, not per fan); it is shown, the goal is judged on the first.",
  '- The code before issue 15 cached every verified ticket (about 450 B a fan with the memory store, 700 B with Redis) and emptied',
  '  the cache whenever it reached 200,000: what it held when measured depends on where the last emptying fell. After 1,000,000',
  '  polls it had just been emptied (the Redis row shows nearly nothing kept in the app), so its 1,000,000 rows understate its peak',
  '  (about 200,000 cached tickets on top of the line); the 100,000 rows show its full cost.',
  '- Below 10,000 fans the per-fan figures are noise around the tables and arrays allocated in steps.',
  '',
];
const GOAL_RATIO = 1.1;
const COST_HEAD = '| store | time | 1,000 fans, per poll | largest line, per poll | ratio (median of rounds) | goal ≤ 1.1x |';
const f = flags(process.argv.slice(2));
const fans = (f.get('fans') ?? '1000,10000,100000,1000000').split(',').map(Number);
if (fans.some((n) => !Number.isInteger(n) || n < 1000 || n > 2_000_000)) throw new Error('--fans: whole numbers from 1,000 to 2,000,000');
const stores = (f.get('stores') ?? 'memory,redis').split(',');
const costRounds = numberFlag(f, 'cost-rounds', 16);
const redisUrl = f.get('redis-url') ?? 'redis://127.0.0.1:6379';
const compare = f.get('compare') ? (JSON.parse(readFileSync(f.get('compare')!, 'utf8')) as Run[]) : undefined;

function redisReachable(): boolean {
  const url = new URL(redisUrl);
  const r = spawnSync('redis-cli', ['-h', url.hostname, '-p', url.port || '6379', 'PING'], { encoding: 'utf8' });
  return r.stdout?.trim() === 'PONG';
}

function appBytes(r: Run): number {
  return r.after.heap + r.after.external - (r.before.heap + r.before.external);
}
const perFan = (r: Run) => appBytes(r) / r.fans;
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const loadBefore = uptime();
const runs: Run[] = [];
const notes: string[] = [];
for (const store of stores) {
  if (store === 'redis' && !redisReachable()) {
    notes.push(`Redis at ${redisUrl} did not answer PING: the Redis store was not measured.`);
    console.log(notes.at(-1));
    continue;
  }
  const largest = Math.max(...fans);
  for (const n of fans) {
    const args = ['--expose-gc', '--import', 'tsx', 'bench/queue/memory-run.ts', '--store', store, '--fans', String(n), '--redis-url', redisUrl];
    if (n === largest) args.push('--cost-rounds', String(costRounds));
    const started = Date.now();
    const out = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
    const run = JSON.parse(out.trim().split('\n').at(-1)!) as Run;
    runs.push(run);
    console.log(`${store} ${n.toLocaleString('en')} fans: ${perFan(run).toFixed(0)} B a fan in the app, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}
const loadAfter = uptime();
if (f.get('save')) writeFileSync(f.get('save')!, JSON.stringify(runs));

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const n0 = (x: number) => Math.round(x).toLocaleString('en');

function table(rs: Run[], title: string): string[] {
  const out = [
    `### ${title}`,
    '',
    '| store | fans | app heap+external, extra | per fan | RSS extra | Redis used_memory extra | Redis per fan | join | status poll |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rs) {
    const redisExtra = r.redisAfter - r.redisBefore;
    out.push(
      `| ${r.store} | ${n0(r.fans)} | ${mb(appBytes(r))} MB | ${n0(perFan(r))} B | ${mb(r.after.rss - r.before.rss)} MB | ${
        r.store === 'redis' ? `${mb(redisExtra)} MB` : '-'
      } | ${r.store === 'redis' ? `${n0(redisExtra / r.fans)} B` : '-'} | ${(r.joinNs / 1000).toFixed(1)} µs | ${(r.pollNs / 1000).toFixed(2)} µs |`,
    );
  }
  const keyed = rs.filter((r) => r.keys);
  if (keyed.length) {
    out.push('', 'Redis keys of the measured room (`MEMORY USAGE key SAMPLES 0`), bytes per fan:', '');
    const names = [...new Set(keyed.flatMap((r) => Object.keys(r.keys!)))].sort();
    out.push(`| fans | ${names.join(' | ')} |`, `|---:|${names.map(() => '---:').join('|')}|`);
    for (const r of keyed)
      out.push(`| ${n0(r.fans)} | ${names.map((k) => (r.keys![k] === undefined ? '-' : (r.keys![k]! / r.fans).toFixed(1))).join(' | ')} |`);
  }
  out.push('');
  return out;
}

/** Per round, the big room's cost over the small one's (rounds are pairs run back to back). */
function costRows(rs: Run[]): string[] {
  const out: string[] = [];
  for (const r of rs.filter((x) => x.cost)) {
    const c = r.cost!;
    const row = (what: string, small: number[], big: number[], judged: boolean) => {
      const ratios = small.map((s, i) => big[i]! / s);
      const ratio = median(ratios);
      const verdict = judged ? (ratio <= GOAL_RATIO ? '**met**' : '**not met**') : '(not judged)';
      out.push(
        `| ${r.store} | ${what} | ${n0(median(small))} ns | ${n0(median(big))} ns (${n0(r.fans)} fans) | ${ratio.toFixed(2)}x (middle half of rounds ${quartiles(ratios)}) | ${verdict} |`,
      );
    };
    // The app's own work is what the goal is about: judged on this thread's CPU time where measured.
    if (c.smallCpu && c.bigCpu) row('CPU of the app thread', c.smallCpu, c.bigCpu, true);
    row('wall clock', c.small, c.big, !c.smallCpu);
  }
  return out;
}
function quartiles(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[Math.floor(s.length / 4)]!.toFixed(2)}–${s[Math.floor((s.length * 3) / 4)]!.toFixed(2)}`;
}

function goals(rs: Run[]): string[] {
  const out = ['| goal | store | measured | status |', '|---|---|---|---|'];
  for (const r of rs.filter((x) => x.fans === 100_000 || x.fans === 1_000_000)) {
    const bytes = appBytes(r);
    out.push(
      `| under ${GOAL_MB} MB extra in the app for ${n0(r.fans)} fans | ${r.store} | ${mb(bytes)} MB | ${bytes < GOAL_MB * 1e6 ? '**met**' : '**not met**'} |`,
    );
  }
  return out;
}

const lines = [
  '# Queue memory per waiting fan, 2026-12-06',
  '',
  'Produced by `npx tsx bench/queue/memory.ts` (see `bench/README.md`, issue 15).',
  '',
  '| setting | value |',
  '|---|---|',
  `| machine | ${machine()} |`,
  `| Node | ${process.version} |`,
  `| load (uptime) | at the start: ${loadBefore}; at the end: ${loadAfter} |`,
  ...(compare
    ? [
        '| before | the same bench run on the code of `main` before issue 15 just before this one, on the same machine, saved with `--save` and read with `--compare` |',
      ]
    : []),
  '| what | per line length, a fresh process (`--expose-gc`): a room, N fans joined as `queue.service.ts` joins them (device key hashed to `d:<sha256>`, ticket id, `store.join`, ticket signed), each polled once through `status()` + `statusJson()` (what the HTTP fast lane calls); memory after forced GC compared with before the joins. The bench keeps no ticket (each is signed again from the fan number before its poll) |',
  `| poll cost | in the largest run: ${costRounds} rounds alternating 20,000 polls of random fans of a 1,000-fan room and 20,000 of random fans of the big room, in the same process; median per poll of the rounds, as wall clock and as the CPU time of the app's thread (\`process.threadCpuUsage\`; it leaves out the time other processes had the core), status + JSON, the ticket signed outside the timed part. Redis: the polls of a round in flight together (ioredis pipelines them); its CPU column is the app's side only |`,
  '| redis | one local Redis (127.0.0.1:6379), used_memory from INFO memory before the joins and after the polls |',
  '',
  ...notes,
  ...table(runs, 'After (this branch)'),
  ...(compare ? table(compare, 'Before (main, same bench)') : []),
  '### Poll cost as the line grows',
  '',
  COST_HEAD,
  '|---|---|---:|---:|---:|---|',
  ...costRows(runs),
  ...(compare ? ['', 'Before (main):', '', COST_HEAD, '|---|---|---:|---:|---:|---|', ...costRows(compare)] : []),
  '',
  '### Goals',
  '',
  ...goals(runs),
  '',
  ...READING,
];
const markdown = lines.join('\n');
console.log(markdown);
if (!f.has('no-write')) writeResult('queue-memory', '2026-12-06', markdown);
