import { readFile } from 'node:fs/promises';
import { forceCustomerResets, type ForceResetReport } from '../accounts/customer-force-reset.service.js';
import { loadConfig } from '../config.js';
import type { Db } from '../platform/transaction.js';
import { withDatabase } from './with-database.js';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** The addresses of a file: one per line; blank lines and `#` comments skipped; anything else that is not an address is named. */
export function parseEmailList(text: string): { emails: string[]; invalid: { line: number; text: string }[] } {
  const emails: string[] = [];
  const invalid: { line: number; text: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    if (EMAIL.test(line) && line.length <= 254) emails.push(line);
    else invalid.push({ line: i + 1, text: line.slice(0, 80) });
  });
  return { emails, invalid };
}

export async function runForceReset(db: Db, text: string, print: (line: string) => void): Promise<{ code: number; report?: ForceResetReport }> {
  const { emails, invalid } = parseEmailList(text);
  if (invalid.length) {
    for (const bad of invalid.slice(0, 10)) print(`line ${bad.line} is not an email address: ${bad.text}`);
    if (invalid.length > 10) print(`... and ${invalid.length - 10} more`);
    print('nothing was done: fix the file and run again');
    return { code: 2 };
  }
  const report = await forceCustomerResets({ db, config: loadConfig() }, emails, 'cli');
  print(
    `forced reset: ${report.requested} addresses, ${report.marked} accounts marked and emailed, ${report.alreadyPending} already pending (skipped), ` +
      `${report.unknown} without an account, ${report.sessionsEnded} sessions ended`,
  );
  return { code: 0, report };
}

/**
 * `taquilla customers force-reset --emails FILE`: marks the accounts of the addresses in FILE so
 * their next sign-in must set a new password, ends their sessions and queues the reset email in
 * each customer's language (the running server's outbox sends it). Running it again with the same
 * file sends nothing twice.
 */
export async function customersForceReset(args: string[]): Promise<void> {
  const at = args.indexOf('--emails');
  const file = at >= 0 ? args[at + 1] : undefined;
  if (!file || args.length !== 2) throw new Error('usage: taquilla customers force-reset --emails FILE (one address per line)');
  const text = await readFile(file, 'utf8');
  await withDatabase(async (db) => {
    process.exitCode = (await runForceReset(db, text, (line) => console.log(line))).code;
  });
}

/** `taquilla customers <subcommand>`. */
export async function customers(args: string[]): Promise<void> {
  const [name, ...rest] = args;
  if (name !== 'force-reset') throw new Error(`customers takes force-reset, not "${name ?? ''}"`);
  await customersForceReset(rest);
}
