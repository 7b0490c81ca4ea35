import { userInfo } from 'node:os';
import { AppError } from '../platform/errors.js';

/** How the audit log names an operator command: `cli:<system user>`, whoever ran it on the host. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    // A container user without a passwd entry.
    return `cli:${process.getuid?.() ?? 'unknown'}`;
  }
}

/** Runs a command's work; a refusal (AppError) is one line on stderr and exit code 2, not a stack trace. */
export async function refusalsAsExitCode(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    console.error(`refused: ${error.message}`);
    process.exitCode = 2;
  }
}
