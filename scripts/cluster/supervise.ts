/**
 * One child process kept running: started again when it dies, after a pause that doubles with
 * each quick death (0.5 s, 1 s, 2 s … 30 s) and starts over once it has run for a minute, so a
 * process that cannot start does not spin and one that crashed once is back at once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

export const BACKOFF = { firstMs: 500, maxMs: 30_000, stableMs: 60_000 };

export interface SuperviseOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Every line it prints goes here (a log file in the run directory). */
  logFile: string;
  /** Which lines also reach the terminal, prefixed with the name. */
  show(line: string, stream: 'stdout' | 'stderr'): boolean;
  /** What the supervisor says (started, exited, starting again). */
  say(line: string): void;
  /** Resolves true once a started process serves; checked after each start. */
  ready?: () => Promise<boolean>;
  /** Called with the new pid once a start is ready (or at once without `ready`). */
  started?: (pid: number) => void;
  backoff?: typeof BACKOFF;
}

export interface Supervised {
  name: string;
  pid(): number | undefined;
  running(): boolean;
  /** How many times it was started again after dying. */
  restarts(): number;
  /** Resolves once the first start is ready; rejects if it dies or is not ready within `ms`. */
  firstReady(ms: number): Promise<void>;
  /** Stops supervising, sends `signal`, and resolves when it exited (SIGKILL after `graceMs`). */
  stop(signal: NodeJS.Signals, graceMs: number): Promise<void>;
  /** Kills it at once without waiting (for the supervisor's own exit). */
  killNow(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function supervise(opts: SuperviseOptions): Supervised {
  const backoff = opts.backoff ?? BACKOFF;
  const log: WriteStream = createWriteStream(opts.logFile, { flags: 'a' });
  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts = 0;
  let delay = backoff.firstMs;
  let startedAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let firstOutcome: { ok: true } | { ok: false; error: Error } | undefined;
  const waiters: Array<() => void> = [];
  const settleFirst = (outcome: NonNullable<typeof firstOutcome>) => {
    if (firstOutcome) return;
    firstOutcome = outcome;
    for (const w of waiters.splice(0)) w();
  };
  const alive = (c: ChildProcess | undefined) => c !== undefined && c.exitCode === null && c.signalCode === null;

  const lines = (stream: 'stdout' | 'stderr') => {
    let partial = '';
    return (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop()!;
      for (const line of parts) {
        log.write(`${line}\n`);
        if (opts.show(line, stream)) process.stdout.write(`[${opts.name}] ${line}\n`);
      }
    };
  };

  const start = () => {
    if (stopping) return;
    const c = spawn(opts.command, opts.args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: Ctrl-C in the terminal reaches the supervisor only, which stops
      // every child in order, rather than each at once.
      detached: true,
    });
    child = c;
    startedAt = Date.now();
    c.stdout!.on('data', lines('stdout'));
    c.stderr!.on('data', lines('stderr'));
    c.once('error', (error) => opts.say(`${opts.name} could not start: ${error.message}`));
    c.once('exit', (code, signal) => {
      if (stopping) return;
      const ran = Date.now() - startedAt;
      if (ran >= backoff.stableMs) delay = backoff.firstMs;
      const how = signal ? `was killed (${signal})` : `exited with ${code}`;
      if (!firstOutcome) {
        settleFirst({ ok: false, error: new Error(`${opts.name} ${how} before it was ready; see ${opts.logFile}`) });
        return;
      }
      opts.say(`${opts.name} ${how} after ${(ran / 1000).toFixed(1)} s; starting it again in ${(delay / 1000).toFixed(1)} s`);
      timer = setTimeout(() => {
        restarts++;
        start();
      }, delay);
      delay = Math.min(delay * 2, backoff.maxMs);
    });
    void (async () => {
      if (opts.ready) {
        for (;;) {
          if (stopping || child !== c || !alive(c)) return;
          if (await opts.ready().catch(() => false)) break;
          await sleep(200);
        }
      }
      if (stopping || child !== c || !alive(c)) return;
      if (firstOutcome) opts.say(`${opts.name} is back (pid ${c.pid})`);
      opts.started?.(c.pid!);
      settleFirst({ ok: true });
    })();
  };
  start();

  return {
    name: opts.name,
    pid: () => (alive(child) ? child!.pid : undefined),
    running: () => alive(child),
    restarts: () => restarts,
    async firstReady(ms) {
      if (!firstOutcome) {
        const late = sleep(ms).then(() =>
          settleFirst({ ok: false, error: new Error(`${opts.name} was not ready within ${ms / 1000} s; see ${opts.logFile}`) }),
        );
        await Promise.race([new Promise<void>((r) => waiters.push(r)), late]);
      }
      if (firstOutcome && !firstOutcome.ok) throw firstOutcome.error;
    },
    async stop(signal, graceMs) {
      stopping = true;
      clearTimeout(timer);
      const c = child;
      if (alive(c)) {
        const exited = new Promise<void>((r) => c!.once('exit', () => r()));
        c!.kill(signal);
        const late = setTimeout(() => {
          opts.say(`${opts.name} did not stop within ${graceMs / 1000} s; killing it`);
          c!.kill('SIGKILL');
        }, graceMs);
        await exited;
        clearTimeout(late);
      }
      await new Promise<void>((r) => log.end(() => r()));
    },
    killNow() {
      stopping = true;
      clearTimeout(timer);
      if (alive(child)) child!.kill('SIGKILL');
    },
  };
}
