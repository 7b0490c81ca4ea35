import { readdirSync, readFileSync } from 'node:fs';

/**
 * Cores used while a case ran, by PostgreSQL for the bench (backends of its database and the
 * server's own helpers), by this process, and by everything else. Counted per process between two
 * snapshots, so a pooled connection that closes in between takes nothing with it (summing all
 * PostgreSQL processes' lifetimes, as checkout/common.ts does, would then show a busy machine).
 */
export interface CpuSnapshot {
  at: number;
  machine: number;
  processes: Map<string, { seconds: number; ours: boolean }>;
}

const TICK = 100; // USER_HZ on Linux

function seconds(pid: string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK;
}

export function snapshot(database: string): CpuSnapshot {
  const processes = new Map<string, { seconds: number; ours: boolean }>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (pid === String(process.pid)) processes.set(pid, { seconds: seconds(pid), ours: true });
      else if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') {
        const db = /^postgres: [^:]+: \S+ (\S+) /.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1];
        processes.set(pid, { seconds: seconds(pid), ours: !db || db === database });
      }
    } catch {
      // the process ended between listing and reading
    }
  }
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  const machine = ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICK;
  return { at: performance.now(), machine, processes };
}

export function shares(a: CpuSnapshot, b: CpuSnapshot): { ours: number; rest: number } {
  const wall = (b.at - a.at) / 1000;
  let ours = 0;
  for (const [pid, p] of b.processes) if (p.ours) ours += p.seconds - (a.processes.get(pid)?.seconds ?? 0);
  return { ours: ours / wall, rest: Math.max(0, (b.machine - a.machine) / wall - ours / wall) };
}
