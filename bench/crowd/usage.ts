import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU and memory of the run's parts, from /proc, sampled every few seconds. CPU is kept per pid and
 * added up per part between samples, so a process that is killed and started again (an app node,
 * Redis) or PostgreSQL backends that come and go are counted right: a pid seen for the first time
 * counts its whole CPU, a pid gone is simply no longer read.
 */
const TICK = 100; // USER_HZ

export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return undefined;
  }
}

/** Resident memory in MB (VmRSS), or undefined when the process is gone. */
export function rssMb(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Proportional set size in MB: shared pages (PostgreSQL's shared buffers, nginx's workers) split between their users. */
export function pssMb(pid: number): number | undefined {
  try {
    const kb = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** PostgreSQL processes that are the bench's: backends of databases named `dbPrefix…` and the server's own helpers. */
export function postgresPids(dbPrefix: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      const db = /^postgres: [^:]+: \S+ (\S+) /.exec(readFileSync(`/proc/${entry}/cmdline`, 'utf8'))?.[1];
      if (!db || db.startsWith(dbPrefix)) out.push(Number(entry));
    } catch {
      // ended between listing and reading
    }
  }
  return out;
}

/** The redis-server listening on `port` (its command line names it). */
export function redisPid(port: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'redis-server') continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(`:${port}`)) return Number(entry);
    } catch {
      // gone
    }
  }
  return undefined;
}

/** Busy CPU seconds of the whole machine, all cores. */
export function machineSeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number) as number[];
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICK;
}

export interface UsagePoint {
  /** ms since the crowd started */
  t: number;
  /** cumulative CPU seconds per part since the first sample */
  cpu: Record<string, number>;
  /** memory per part, MB (RSS; PSS for PostgreSQL and nginx, whose processes share pages) */
  memory: Record<string, number>;
}

export class Usage {
  private last = new Map<string, Map<number, number>>();
  private totals: Record<string, number> = {};
  readonly points: UsagePoint[] = [];

  constructor(
    private readonly parts: Record<string, () => number[]>,
    private readonly t0: number,
  ) {}

  sample(): UsagePoint {
    const memory: Record<string, number> = {};
    for (const [name, pids] of Object.entries(this.parts)) {
      const before = this.last.get(name) ?? new Map<number, number>();
      const now = new Map<number, number>();
      let mem = 0;
      const shared = name === 'postgres' || name === 'nginx';
      for (const pid of pids()) {
        const s = cpuSeconds(pid);
        if (s === undefined) continue;
        now.set(pid, s);
        this.totals[name] = (this.totals[name] ?? 0) + (this.points.length === 0 ? 0 : s - (before.get(pid) ?? 0));
        mem += (shared ? pssMb(pid) : rssMb(pid)) ?? 0;
      }
      this.totals[name] ??= 0;
      this.last.set(name, now);
      memory[name] = mem;
    }
    const machine = machineSeconds();
    this.machineStart ??= machine;
    const point = { t: Date.now() - this.t0, cpu: { ...this.totals, machine: machine - this.machineStart }, memory };
    this.points.push(point);
    return point;
  }

  private machineStart: number | undefined;

  /** Cores used per part between two times (ms since the start), from the nearest samples. */
  between(from: number, to: number): Record<string, number> {
    const at = (t: number) => this.points.reduce((best, p) => (Math.abs(p.t - t) < Math.abs(best.t - t) ? p : best), this.points[0]!);
    const a = at(from);
    const b = at(to);
    const wall = (b.t - a.t) / 1000;
    if (wall <= 0) return {};
    return Object.fromEntries(Object.keys(b.cpu).map((k) => [k, ((b.cpu[k] ?? 0) - (a.cpu[k] ?? 0)) / wall]));
  }

  /** The largest memory seen per part. */
  peaks(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const p of this.points) for (const [k, v] of Object.entries(p.memory)) out[k] = Math.max(out[k] ?? 0, v);
    return out;
  }
}
