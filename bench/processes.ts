import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sleep } from './checkout/common.js';

export { freePort } from '../tests/helpers/net.js';

/** The benches' child processes: started pinned, stopped by their own pid, never by name. */
export const root = fileURLToPath(new URL('..', import.meta.url));
export const children = new Set<ChildProcess>();

export const pinnable = spawnSync('taskset', ['-c', '0', 'true']).status === 0 && spawnSync('taskset', ['-c', '1', 'true']).status === 0;
export const pinned = (core: number, args: string[]) => (pinnable ? ['taskset', '-c', String(core), ...args] : args);

/** Writes a bench's report to `bench/results/<name>-<date>.md` (the same day overwrites). */
export function writeResult(name: string, date: string, markdown: string): void {
  const file = `${root}bench/results/${name}-${date}.md`;
  mkdirSync(`${root}bench/results`, { recursive: true });
  writeFileSync(file, markdown);
  console.log(`written to ${file}`);
}

/** Spawns `command` from the repository root (or `cwd`); each whole stdout line goes to `onLine`. */
export function start(command: string[], env: NodeJS.ProcessEnv, onLine: (line: string) => void, cwd = root): ChildProcess {
  const child = spawn(command[0]!, command.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(200);
  }
}

interface AdminClient {
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}

/**
 * The usual cleanup, run once however often it is asked for: stop the children, drop the bench's
 * databases through the admin connection (read when cleaning up: it may not exist yet), then `extra`.
 */
export function cleanupOnce(databases: Iterable<string>, admin: () => AdminClient | undefined, extra?: () => void): () => Promise<void> {
  let cleaned: Promise<void> | undefined;
  return () => {
    cleaned ??= (async () => {
      await Promise.all([...children].map((child) => stop(child, 5000)));
      const client = admin();
      for (const name of databases)
        await client?.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((e: Error) => console.error(`could not drop ${name}: ${e.message}`));
      await client?.end().catch(() => {});
      extra?.();
    })();
    return cleaned;
  };
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
    if (!interrupted) console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}
