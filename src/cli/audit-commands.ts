import { auditHead } from './audit-head.js';
import { auditVerify } from './audit-verify.js';

const subcommands: Record<string, (args: string[]) => Promise<void>> = { verify: auditVerify, head: auditHead };

/** `taquilla audit verify [--head <seq>:<hash>]` and `taquilla audit head`. */
export async function audit(args: string[]): Promise<void> {
  const [name, ...rest] = args;
  const run = name ? subcommands[name] : undefined;
  if (!run) throw new Error(`audit takes verify or head, not "${name ?? ''}"`);
  await run(rest);
}
