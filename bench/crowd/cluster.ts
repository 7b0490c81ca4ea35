import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findNginx, localNginxSettings, renderNginx, testNginxConfig, waitForPort } from '../../scripts/cluster/nginx.js';
import { type Supervised, supervise } from '../../scripts/cluster/supervise.js';
import { freePort, root } from '../processes.js';

/**
 * The production topology of `npm run cluster` (scripts/cluster.ts), started by the bench itself so
 * it owns every pid: N app processes (`src/server.ts`, production mode) kept running by the same
 * supervisor (a killed process is started again), all serving the test payment provider on one
 * port, and nginx on the repo's template (deploy/nginx/) in front of them, its workers `auto` as in
 * production. Each app process also serves /metrics on a port of its own, for its heap.
 */
export interface CrowdCluster {
  url: string;
  payUrl: string;
  nodes: { name: string; port: number; metricsPort: number; supervised: Supervised; readyPids: number[] }[];
  nginx: Supervised;
  /** nginx's master and its workers. */
  nginxPids(): number[];
  stop(): Promise<void>;
}

export async function startCrowdCluster(opts: { dir: string; nodes: number; env: Record<string, string>; say: (line: string) => void }): Promise<CrowdCluster> {
  const nginxBin = findNginx();
  if (!nginxBin) throw new Error('no nginx');
  for (const sub of ['logs', 'nginx', 'data']) mkdirSync(join(opts.dir, sub), { recursive: true });
  const [port, payPort, payUpstream] = [await freePort(), await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const payUrl = `http://127.0.0.1:${payPort}`;
  const nodes: CrowdCluster['nodes'] = [];
  for (let i = 0; i < opts.nodes; i++) {
    const nodePort = await freePort();
    const metricsPort = await freePort();
    const readyPids: number[] = [];
    const supervised = supervise({
      name: `node ${i + 1}`,
      command: process.execPath,
      args: ['--import', 'tsx', 'src/server.ts'],
      cwd: root,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        BASE_URL: url,
        PAYMENT_ORIGIN: payUrl,
        PAYMENT_PORT: String(payUpstream),
        // nginx connects from 127.0.0.1: its X-Forwarded-For is believed, nobody else's.
        TRUSTED_PROXIES: '127.0.0.1/32',
        TAQUILLA_DATA_DIR: join(opts.dir, 'data'),
        TAQUILLA_SEED_DEMO: 'false',
        METRICS_PORT: String(metricsPort),
        ...opts.env,
        PORT: String(nodePort),
      },
      logFile: join(opts.dir, 'logs', `node-${i + 1}.log`),
      show: (line, stream) => stream === 'stderr' || /^\{"level":(50|60)/.test(line),
      say: opts.say,
      ready: () => fetch(`http://127.0.0.1:${nodePort}/api/health/ready`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok),
      started: (pid) => readyPids.push(pid),
    });
    nodes.push({ name: `node ${i + 1}`, port: nodePort, metricsPort, supervised, readyPids });
    // One at a time at first: the first applies nothing (the bench migrated), but both warming at once is slower here.
    await supervised.firstReady(120_000);
  }
  const nginxDir = join(opts.dir, 'nginx');
  const conf = renderNginx(
    localNginxSettings(nginxDir, {
      listen: `127.0.0.1:${port}`,
      paymentListen: `127.0.0.1:${payPort}`,
      appServers: nodes.map((n) => `127.0.0.1:${n.port}`),
      paymentServers: [`127.0.0.1:${payUpstream}`],
      webRoot: join(root, 'web', 'dist'),
      workerProcesses: 'auto',
      // 100,000 fans' polls are not worth a line each.
      accessLog: 'off',
    }),
  );
  const confFile = join(nginxDir, 'nginx.conf');
  writeFileSync(confFile, conf);
  const problem = testNginxConfig(nginxBin, nginxDir, confFile);
  if (problem) throw new Error(`nginx refused its configuration (${confFile}):\n${problem}`);
  const nginx = supervise({
    name: 'nginx',
    command: nginxBin,
    args: ['-e', 'stderr', '-p', nginxDir, '-c', confFile, '-g', 'daemon off;'],
    logFile: join(opts.dir, 'logs', 'nginx.log'),
    // Refusals (warn) and upstreams lost while a node is killed (error) are one line each: they stay in the log file.
    show: (line) => /\[(emerg|alert|crit)\]/.test(line),
    say: opts.say,
    ready: () => waitForPort('127.0.0.1', port, 200).then(() => true),
  });
  await nginx.firstReady(15_000);
  const nginxPids = () => {
    const master = nginx.pid();
    if (!master) return [];
    const pids = [master];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === master) pids.push(Number(entry));
      } catch {
        // gone
      }
    }
    return pids;
  };
  return {
    url,
    payUrl,
    nodes,
    nginx,
    nginxPids,
    async stop() {
      await nginx.stop('SIGQUIT', 10_000);
      await Promise.all(nodes.map((n) => n.supervised.stop('SIGTERM', 15_000)));
    },
  };
}
