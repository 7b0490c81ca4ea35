import { createInterface } from 'node:readline/promises';
import { purgeAccess, type PurgeResult } from '../accounts/purge.service.js';
import { type Config, loadConfig } from '../config.js';
import type { Db } from '../platform/transaction.js';
import { cliActor, refusalsAsExitCode } from './access-actor.js';
import { withDatabase } from './with-database.js';

export interface PurgeArgs {
  keepOwner?: string;
  yes: boolean;
}

export function parsePurgeArgs(args: string[]): PurgeArgs {
  const parsed: PurgeArgs = { yes: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--yes') parsed.yes = true;
    else if (arg === '--keep-owner' || arg.startsWith('--keep-owner=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
      if (!value || value.startsWith('--')) throw new Error('--keep-owner takes the email of an owner');
      parsed.keepOwner = value;
    } else throw new Error(`access purge: unknown argument "${arg}" (usage: access purge [--keep-owner EMAIL] [--yes])`);
  }
  return parsed;
}

export function formatPurge(r: PurgeResult): string[] {
  return [
    `access purged in ${(r.ms / 1000).toFixed(2)} s:`,
    `  staff accounts reset:      ${r.staff} (passwords ${r.passwordsReset}, TOTP ${r.totpReset}, passkeys ${r.passkeysRemoved}, unused recovery codes ${r.recoveryCodesRemoved})`,
    `  staff sessions ended:      ${r.sessionsEnded}`,
    `  API keys revoked:          ${r.apiKeysRevoked}`,
    `  invitations cancelled:     ${r.invitationsCancelled}`,
    '',
    `kept owner ${r.keptOwner.email}: open this link within 72 hours to set a password and enrol new factors, then invite the staff again:`,
    `  ${r.keptOwner.invitationUrl}`,
  ];
}

export async function runAccessPurge(db: Db, config: Pick<Config, 'baseUrl'>, args: PurgeArgs, print: (line: string) => void): Promise<PurgeResult> {
  const result = await purgeAccess(db, config, { keepOwner: args.keepOwner, actor: cliActor() });
  for (const line of formatPurge(result)) print(line);
  return result;
}

/**
 * `taquilla access purge [--keep-owner EMAIL] [--yes]`. On a terminal it asks first (`--yes` does
 * not); from a script it runs at once.
 */
export async function accessPurge(args: string[]): Promise<void> {
  const parsed = parsePurgeArgs(args);
  const config = loadConfig();
  if (process.stdin.isTTY && !parsed.yes) {
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await prompt.question(
      'This ends every staff session, revokes every API key and resets every password and second factor.\nType PURGE to go on: ',
    );
    prompt.close();
    if (answer.trim() !== 'PURGE') {
      console.log('nothing changed');
      return;
    }
  }
  await withDatabase((db) => refusalsAsExitCode(async () => void (await runAccessPurge(db, config, parsed, (line) => console.log(line)))));
}
