import { accessPurge } from './access-purge.js';
import { accessReview } from './access-review.js';

const subcommands: Record<string, (args: string[]) => Promise<void>> = { review: accessReview, purge: accessPurge };

/** `taquilla access review` and `taquilla access purge [--keep-owner EMAIL] [--yes]`. */
export async function access(args: string[]): Promise<void> {
  const [name, ...rest] = args;
  const run = name ? subcommands[name] : undefined;
  if (!run) throw new Error(`access takes review or purge, not "${name ?? ''}"`);
  await run(rest);
}
