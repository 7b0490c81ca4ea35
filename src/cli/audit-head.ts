import { chainHead } from '../security/audit-chain.repository.js';
import type { Db } from '../platform/transaction.js';
import { withDatabase } from './with-database.js';

/**
 * The chain head as one line, `<seq>:<hash> <sealed at>`, to keep somewhere the database's
 * administrators cannot write (a ticket, a mail, another system's log). `audit verify --head
 * <seq>:<hash>` later proves the chain still contains it, which a rewrite of the whole chain
 * (every hash recomputed) cannot fake.
 */
export async function runAuditHead(db: Db, print: (line: string) => void): Promise<number> {
  const head = await chainHead(db);
  if (!head) {
    print('the audit chain is empty: nothing is sealed yet');
    return 1;
  }
  print(`${head.seq}:${head.hash} ${head.sealedAt.toISOString()}`);
  return 0;
}

export async function auditHead(args: string[]): Promise<void> {
  if (args.length > 0) throw new Error(`audit head takes no arguments, not "${args.join(' ')}"`);
  await withDatabase(async (db) => {
    process.exitCode = await runAuditHead(db, (line) => console.log(line));
  });
}
