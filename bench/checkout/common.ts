import { readdirSync, readFileSync } from 'node:fs';

/** What the load generator and the raw SQL loop print as their last stdout line (JSON). */
export interface PhaseResult {
  seconds: number;
  purchases: number;
  tickets: number;
  /** Milliseconds per step, for steps completed inside the measured window. */
  latencies: Record<string, Summary>;
  errors: Record<string, number>;
  /** Seconds of CPU the measuring process itself used inside the window. */
  clientCpuSeconds: number;
  /** Round trips to PostgreSQL per purchase (raw SQL only). */
  statementsPerPurchase?: number;
}

export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Marker lines on stdout, so the orchestrator samples CPU over exactly the measured window. */
export const MEASURE_START = '@@measure-start';
export const MEASURE_END = '@@measure-end';

export function summarize(samples: number[]): Summary {
  if (samples.length === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]! };
}

/** `--name value` flags; every flag has a default, so the bench runs with none. */
export function flags(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) out.set(arg.slice(2), argv[++i]!);
    else out.set(arg.slice(2), 'true');
  }
  return out;
}

export function numberFlag(f: Map<string, string>, name: string, fallback: number): number {
  const raw = f.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"`);
  return value;
}

export function required(f: Map<string, string>, name: string): string {
  const value = f.get(name);
  if (!value) throw new Error(`--${name} is required`);
  return value;
}

/**
 * The purchase loop's settings, shared by the load generator and the raw SQL loop: run.ts passes
 * both the same show (`showArgs`) and timings, so both read them here the same way.
 */
export function purchaseFlags(f: Map<string, string>) {
  return {
    performanceId: required(f, 'performance'),
    categoryIds: required(f, 'categories').split(','),
    gaAreaId: required(f, 'ga'),
    concurrency: numberFlag(f, 'concurrency', 32),
    warmupMs: numberFlag(f, 'warmup', 3) * 1000,
    durationMs: numberFlag(f, 'duration', 20) * 1000,
    quantity: numberFlag(f, 'quantity', 4),
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Adds `n` to `into[key]`: the tallies of answers, errors and states the load generators keep. */
export const count = (into: Record<string, number>, key: string, n = 1) => {
  into[key] = (into[key] ?? 0) + n;
};

/** A load generator's measured window: what ends inside [start, end) is counted. */
export class MeasureWindow {
  start = Infinity;
  end = Infinity;

  inWindow(at: number): boolean {
    return at >= this.start && at < this.end;
  }

  get seconds(): number {
    return (this.end - this.start) / 1000;
  }

  /**
   * Opens the measured window after `warmupMs` for `durationMs`, printing MEASURE_START and
   * MEASURE_END when it opens and closes (the runner samples CPU on those lines); resolves with
   * the CPU seconds this process used inside the window.
   */
  measure(warmupMs: number, durationMs: number): Promise<number> {
    this.start = performance.now() + warmupMs;
    this.end = this.start + durationMs;
    let cpuAtStart = process.cpuUsage();
    setTimeout(() => {
      cpuAtStart = process.cpuUsage();
      console.log(MEASURE_START);
    }, warmupMs).unref();
    return new Promise((resolve) =>
      setTimeout(() => {
        console.log(MEASURE_END);
        const cpu = process.cpuUsage(cpuAtStart);
        resolve((cpu.user + cpu.system) / 1e6);
      }, warmupMs + durationMs),
    );
  }
}

/** Keeps per-step latencies and error counts for what ends inside the window. */
export class Recorder extends MeasureWindow {
  purchases = 0;
  tickets = 0;
  readonly samples = new Map<string, number[]>();
  readonly errors: Record<string, number> = {};

  step(name: string, began: number, ended: number): void {
    if (!this.inWindow(ended)) return;
    let list = this.samples.get(name);
    if (!list) this.samples.set(name, (list = []));
    list.push(ended - began);
  }

  error(key: string, at: number): void {
    if (this.inWindow(at)) this.errors[key] = (this.errors[key] ?? 0) + 1;
  }

  result(seconds: number, clientCpuSeconds: number): PhaseResult {
    const latencies: Record<string, Summary> = {};
    for (const [name, list] of this.samples) latencies[name] = summarize(list);
    return { seconds, purchases: this.purchases, tickets: this.tickets, latencies, errors: this.errors, clientCpuSeconds };
  }
}

/** CPU seconds used so far: by given processes, by PostgreSQL for the bench and for others, by each core. */
export interface CpuSample {
  at: number;
  process: Map<number, number>;
  postgres: number;
  postgresOther: number;
  cores: number[];
}

const TICK = 100; // USER_HZ on Linux

function procSeconds(pid: number | string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK; // utime + stime, all threads
  } catch {
    return 0;
  }
}

/**
 * Backends of databases named `dbPrefix...` and PostgreSQL's own helpers (WAL writer,
 * checkpointer) count as the bench's; backends of any other database count apart, so someone
 * else's tests on the same machine show up as such instead of inflating the bench's figures.
 */
export function sampleCpu(pids: number[], dbPrefix: string): CpuSample {
  let postgres = 0;
  let postgresOther = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      const db = /^postgres: [^:]+: \S+ (\S+) /.exec(readFileSync(`/proc/${entry}/cmdline`, 'utf8'))?.[1];
      if (db && !db.startsWith(dbPrefix)) postgresOther += procSeconds(entry);
      else postgres += procSeconds(entry);
    } catch {
      // the process ended between listing and reading
    }
  }
  const cores = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((l) => /^cpu\d+ /.test(l))
    .map((line) => {
      const [user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number) as number[];
      return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICK;
    });
  return { at: performance.now(), process: new Map(pids.map((pid) => [pid, procSeconds(pid)])), postgres, postgresOther, cores };
}

/** Cores used between two samples (1.0 = one whole core); `rest` is whatever else ran on the machine. */
export interface CpuShare {
  processes: number[];
  postgres: number;
  rest: number;
  cores: number[];
}

export function cpuShares(a: CpuSample, b: CpuSample): CpuShare {
  const wall = (b.at - a.at) / 1000;
  const processes = [...b.process].map(([pid, s]) => (s - (a.process.get(pid) ?? 0)) / wall);
  const postgres = (b.postgres - a.postgres) / wall;
  const cores = b.cores.map((v, i) => (v - (a.cores[i] ?? 0)) / wall);
  const rest = Math.max(0, cores.reduce((x, y) => x + y, 0) - postgres - processes.reduce((x, y) => x + y, 0));
  return { processes, postgres, rest, cores };
}

/** Waits (up to `maxMs`) for a 2-second stretch with under 15% of the machine busy; returns the last busy share. */
export async function waitForQuiet(maxMs: number, dbPrefix: string): Promise<number> {
  const until = performance.now() + maxMs;
  for (;;) {
    const a = sampleCpu([], dbPrefix);
    await sleep(2000);
    const share = cpuShares(a, sampleCpu([], dbPrefix));
    const busy = share.cores.reduce((x, y) => x + y, 0) / share.cores.length;
    if (busy < 0.15 || performance.now() > until) return busy;
  }
}
