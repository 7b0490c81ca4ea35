import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sleep } from './checkout/common.js';

export { freePort } from '../tests/helpers/net.js';

/** The benches' child processes: started pinned, stopped by their own pid, never by name. */
export const root = fileURLToPath(new URL('..', import.meta.url));
export const children = new Set<ChildProcess>();

export const pinnable = spawnSync('taskset', ['-c', '0', 'true']).status === 0 && spawnSync('taskset', ['-c', '1', 'true']).status === 0;
export const pinned = (core: number, args: string[]) => (pinnable ? ['taskset', '-c', String(core), ...args] : args);

/** Spawns `command` from the repository root; each whole stdout line goes to `onLine`. */
export function start(command: string[], env: NodeJS.ProcessEnv, onLine: (line: string) => void): ChildProcess {
  const child = spawn(command[0]!, command.slice(1), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (buffered + chunk.toString('utf8')).split('\n');
    buffered = lines.pop()!;
    lines.forEach(onLine);
  });
  child.stdout!.on('end', () => buffered && onLine(buffered));
  return child;
}

export async function stop(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  if ((await Promise.race([exited, sleep(graceMs).then(() => 'late')])) === 'late') child.kill('SIGKILL');
}

/** Polls `url` until it answers 2xx; throws with `log()` if the child dies or 60 s pass. */
export async function waitUntilUp(child: ChildProcess, url: string, log: () => string): Promise<void> {
  for (let waited = 0; ; waited += 200) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}:\n${log()}`);
    if (waited > 60_000) throw new Error(`${url} did not answer within 60 s:\n${log()}`);
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await sleep(200);
  }
}

/**
 * Runs a bench's `main`, then `cleanup` (stop the children, drop its databases) however it ends:
 * normally, by an error, or by Ctrl-C. A second signal does not cut the cleanup short.
 */
export async function runBench(main: () => Promise<void>, cleanup: () => Promise<void>, what: string): Promise<void> {
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      console.error(`\n${signal}: stopping children and dropping ${what}`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    await main();
  } catch (error) {
    if (!interrupted) console.error(error instanceof Error ? error.stack ?? error.message : error);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}
