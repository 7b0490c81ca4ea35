import { parseHead } from '../security/audit-chain.js';
import { verifyAuditChain } from '../security/audit-chain.verify.js';
import type { Db } from '../platform/transaction.js';
import { withDatabase } from './with-database.js';

export interface AuditVerifyOptions {
  keptHead?: { seq: number; hash: string };
}

export function parseVerifyArgs(args: string[]): AuditVerifyOptions {
  const options: AuditVerifyOptions = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--head') {
      const head = parseHead(args[++i] ?? '');
      if (!head) throw new Error('--head takes <seq>:<hash> as `taquilla audit head` prints it');
      options.keptHead = head;
    } else {
      throw new Error(`audit verify: unknown argument "${args[i]}" (usage: audit verify [--head <seq>:<hash>])`);
    }
  }
  return options;
}

/**
 * Prints one line per finding and returns 1, or one line saying the chain is intact and returns 0.
 * A finding is the first break of the chain (altered, removed or inserted, naming the row), a kept
 * head that is no longer in the chain, or rows left unsealed for over a minute.
 */
export async function runAuditVerify(db: Db, options: AuditVerifyOptions, print: (line: string) => void): Promise<number> {
  const result = await verifyAuditChain(db, { keptHead: options.keptHead });
  for (const finding of result.findings) print(finding.message);
  if (result.findings.length > 0) return 1;
  const head = result.head ? `head ${result.head.seq}:${result.head.hash}` : 'the chain is empty';
  const kept = options.keptHead ? `; kept head ${options.keptHead.seq} is in it` : '';
  print(`audit chain intact: ${result.checked} rows checked, ${head}${kept}; ${result.unsealed} recent rows not sealed yet`);
  return 0;
}

/** `taquilla audit verify [--head <seq>:<hash>]`: exit 0 when intact, 1 with the findings. */
export async function auditVerify(args: string[]): Promise<void> {
  const options = parseVerifyArgs(args);
  await withDatabase(async (db) => {
    process.exitCode = await runAuditVerify(db, options, (line) => console.log(line));
  });
}
