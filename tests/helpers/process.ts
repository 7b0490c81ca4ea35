import { spawn } from 'node:child_process';

/** Fetches `url` until something answers, or throws the last error after `deadline` (ms epoch). */
export async function waitFor(url: string, deadline: number): Promise<Response> {
  for (;;) {
    try {
      return await fetch(url);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Runs src/server.ts as its own process; `stop()` sends SIGTERM and resolves with the exit code. */
export function runServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run = {
    output: '',
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
    /** Resolves with the exit code when the process ends by itself. */
    exited: undefined as unknown as Promise<number | null>,
  };
  child.stdout.on('data', (d) => {
    run.output += d;
  });
  child.stderr.on('data', (d) => {
    run.output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  run.exited = exited;
  return run;
}
