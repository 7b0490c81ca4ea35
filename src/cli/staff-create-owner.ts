import { inviteOwner, type OwnerInvitation } from '../accounts/owner-invitation.service.js';
import { type Config, loadConfig } from '../config.js';
import { migrateToLatest } from '../platform/migrate.js';
import type { Db } from '../platform/transaction.js';
import { cliActor, refusalsAsExitCode } from './access-actor.js';
import { withDatabase } from './with-database.js';

export function parseCreateOwnerArgs(args: string[]): { email: string; name?: string } {
  let email: string | undefined;
  let name: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (!v || v.startsWith('--')) throw new Error(`${flag} takes a value`);
      return v;
    };
    if (flag === '--email') email = value();
    else if (flag === '--name') name = value();
    else throw new Error(`staff create-owner: unknown argument "${arg}" (usage: staff create-owner --email EMAIL [--name NAME])`);
  }
  if (!email) throw new Error('staff create-owner needs --email EMAIL');
  return { email, name };
}

export async function runCreateOwner(
  db: Db,
  config: Pick<Config, 'baseUrl'>,
  input: { email: string; name?: string },
  print: (line: string) => void,
): Promise<OwnerInvitation> {
  const invitation = await inviteOwner(db, config, { ...input, actor: cliActor(), sendEmail: true });
  print(`${invitation.created ? 'owner created' : 'owner invited again'}: ${invitation.email}`);
  print('open this link within 72 hours to set a password and enrol a passkey or an authenticator app (also emailed):');
  print(`  ${invitation.url}`);
  return invitation;
}

/** `taquilla staff create-owner --email EMAIL [--name NAME]`: the first owner, or a way back in for one. */
export async function staff(args: string[]): Promise<void> {
  const [name, ...rest] = args;
  if (name !== 'create-owner') throw new Error(`staff takes create-owner, not "${name ?? ''}"`);
  const input = parseCreateOwnerArgs(rest);
  const config = loadConfig();
  await withDatabase(async (db) => {
    await migrateToLatest(db);
    await refusalsAsExitCode(async () => void (await runCreateOwner(db, config, input, (line) => console.log(line))));
  });
}
