import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { flags, numberFlag, sleep } from '../checkout/common.js';
import { machine } from '../checkout/report.js';
import { freePort, root, writeResult } from '../processes.js';

/**
 * `npx tsx bench/start/run.ts`: how long `npm start` takes to serve (first 200 from
 * `GET /api/events`), beside the server started alone (`tsx src/server.ts`, no front-end check)
 * in the same run. Four kinds of start, each on the embedded PostgreSQL of a data directory of
 * its own under the system's temporary directory:
 *   - first: an empty data directory (initdb, migrations, demo seed), the front end already built;
 *   - warm: the same directory again, the front end unchanged (the everyday `npm start`);
 *   - server alone: `tsx src/server.ts` on that directory (the reference: what the build check adds);
 *   - sources changed: `web/dist/.build-stamp` removed first, so `npm start` rebuilds the front end.
 * Flags: --runs 5 (warm and server-alone starts, interleaved), --no-write.
 */
const f = flags(process.argv.slice(2));
const RUNS = numberFlag(f, 'runs', 5);
const write = !f.has('no-write');
const npmCli = process.env.npm_execpath;

interface Start {
  ms: number;
  readyLine: string;
}

async function timeStart(kind: 'npm' | 'server', dataDir: string, before?: () => void): Promise<Start> {
  const [port, pgPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    PORT: String(port),
    PAYMENT_PORT: String(await freePort()),
    DEMO_CHAT_PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(pgPort),
    TAQUILLA_DATA_DIR: dataDir,
    DATABASE_URL: '',
    REDIS_URL: '',
  };
  before?.();
  const command = kind === 'npm' ? (npmCli ? [process.execPath, npmCli, 'start'] : ['npm', 'start']) : [process.execPath, '--import', 'tsx', 'src/server.ts'];
  const began = performance.now();
  // Its own process group, so npm, tsx and the server stop together.
  const child: ChildProcess = spawn(command[0]!, command.slice(1), { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${kind} start exited with ${child.exitCode}:\n${output}`);
      if (performance.now() - began > 120_000) throw new Error(`${kind} start did not serve within 120 s:\n${output}`);
      const ok = await fetch(`http://127.0.0.1:${port}/api/events`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await sleep(20);
    }
    const ms = performance.now() - began;
    return { ms, readyLine: /ready in [\d.]+ s/.exec(output)?.[0] ?? '' };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGTERM');
    if ((await Promise.race([exited, sleep(20_000).then(() => 'late')])) === 'late') process.kill(-child.pid!, 'SIGKILL');
    await sleep(300);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const sec = (ms: number) => (ms / 1000).toFixed(2);
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');

const dataDir = mkdtempSync(join(os.tmpdir(), 'taquilla-start-'));
const prepDir = mkdtempSync(join(os.tmpdir(), 'taquilla-start-prep-'));
try {
  const loadBefore = load();
  // Make sure the front end is built and stamped, so "first" and "warm" measure what they say.
  await timeStart('npm', prepDir);
  const first = await timeStart('npm', dataDir);
  console.log(`first start: ${sec(first.ms)} s`);
  const warm: Start[] = [];
  const alone: Start[] = [];
  for (let i = 0; i < RUNS; i++) {
    warm.push(await timeStart('npm', dataDir));
    alone.push(await timeStart('server', dataDir));
    console.log(`run ${i + 1}: npm start ${sec(warm.at(-1)!.ms)} s, server alone ${sec(alone.at(-1)!.ms)} s`);
  }
  const changed = await timeStart('npm', dataDir, () => rmSync(join(root, 'web/dist/.build-stamp'), { force: true }));
  console.log(`sources changed: ${sec(changed.ms)} s`);
  const warmMs = warm.map((s) => s.ms);
  const aloneMs = alone.map((s) => s.ms);
  const goal = median(warmMs) < 5000;
  const date = new Date().toISOString().slice(0, 10);
  const markdown = `# Start-up time, ${date}

Produced by \`npx tsx bench/start/run.ts\` (see \`bench/README.md\`). Time from spawning the command
to the first 200 from \`GET /api/events\`, polled every 20 ms; embedded PostgreSQL in a data directory
of the bench's own; development mode (demo seed on the first start).

| setting | value |
|---|---|
| machine | ${machine()} |
| Node | ${process.version} |
| load average (1 / 5 / 15 min) | before ${loadBefore}; after ${load()} |
| runs | ${RUNS} warm \`npm start\` and ${RUNS} server-alone starts, interleaved |

| start | time to serve (s) | the server's own "ready in" |
|---|---|---|
| first (empty data directory: initdb, migrations, seed; front end built) | ${sec(first.ms)} | ${first.readyLine || '—'} |
| **warm \`npm start\`** (median; min–max) | **${sec(median(warmMs))}**; ${sec(Math.min(...warmMs))}–${sec(Math.max(...warmMs))} | ${warm.map((s) => s.readyLine.replace('ready in ', '')).join(', ')} |
| server alone, \`tsx src/server.ts\` (median; min–max) | ${sec(median(aloneMs))}; ${sec(Math.min(...aloneMs))}–${sec(Math.max(...aloneMs))} | ${alone.map((s) => s.readyLine.replace('ready in ', '')).join(', ')} |
| front-end sources changed (\`npm start\` rebuilds) | ${sec(changed.ms)} | ${changed.readyLine || '—'} |
| warm \`npm start\` / server alone | ${(median(warmMs) / median(aloneMs)).toFixed(2)}x | |

| goal | measured | status |
|---|---|---|
| a warm \`npm start\` serves in under 5 s | ${sec(median(warmMs))} s (median of ${RUNS}) | **${goal ? 'met' : 'not met'}** |
`;
  console.log(markdown);
  if (write) writeResult('start', date, markdown);
} finally {
  for (const dir of [dataDir, prepDir]) rmSync(dir, { recursive: true, force: true });
}
