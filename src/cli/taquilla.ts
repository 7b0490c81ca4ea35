/**
 * The `taquilla` operator commands: `npm run taquilla -- <command>`. One file per command.
 */
import { ConfigError, loadConfig } from '../config.js';
import { access } from './access-commands.js';
import { audit } from './audit-commands.js';
import { customers } from './customers-force-reset.js';
import { incident } from './incident-commands.js';
import { integrity } from './integrity-check.js';
import { migrate } from './migrate.js';
import { seed } from './seed.js';
import { staff } from './staff-create-owner.js';
import { widgets } from './widgets-commands.js';

const commands: Record<string, { run: (args: string[]) => Promise<void>; help: string }> = {
  migrate: { run: migrate, help: 'migrate [up|down]   bring the schema up to date, or undo the newest migration' },
  seed: { run: seed, help: 'seed                 load the demo concert into an empty database' },
  audit: {
    run: audit,
    help: 'audit verify [--head SEQ:HASH]   walk the audit chain; name the first row altered, removed or inserted\n  audit head           print the audit chain head (seq:hash sealed-at) to keep elsewhere',
  },
  integrity: {
    run: integrity,
    help: 'integrity check [--json]   the tamper check now: fetch the payment and account pages and the card form from TAMPER_CHECK_URL as a browser does, compare with the registered build; exit 1 on findings',
  },
  customers: {
    run: customers,
    help: 'customers force-reset --emails FILE   make these accounts set a new password at next sign-in; end their sessions; email each (idempotent)',
  },
  incident: {
    run: incident,
    help: 'incident list | show ID   incidents, and one with its timeline, 72-hour clock, scopes and response steps\n  incident scope ID [--from ISO] [--to ISO] [--build ID]... [--performance ID]... [--storefront S]... [--page-class C]...   who was affected\n  incident notify|reset|flag ID --scope SCOPE [--dry-run]   a response step on a scope (idempotent, resumable; progress while it runs)\n  incident revoke-staff ID [--dry-run]   end every staff session and API key (staff_access incidents)\n  incident export ID --scope SCOPE [--out FILE]   the scope’s people as CSV (audited)',
  },
  access: {
    run: access,
    help: 'access review [--json]   every staff account and API key: role, factors, last use, flags; break-glass uses\n  access purge [--keep-owner EMAIL] [--yes]   end every staff session and key, reset every password and factor; print an invitation for one owner',
  },
  staff: {
    run: staff,
    help: 'staff create-owner --email EMAIL [--name NAME]   create an owner (or invite an existing one again) and print the invitation link',
  },
  widgets: {
    run: widgets,
    help: 'widgets list [--json]   each third-party widget: its switch, where it shows, what the script inventory approves\n  widgets disable NAME [--reason TEXT]   the kill switch: hide it on every page of every server within 5 s (audited)\n  widgets enable NAME [--reason TEXT]    show it again where it is approved (audited)',
  },
};

const [name, ...args] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  console.log(
    `usage: taquilla <command>\n\n${Object.values(commands)
      .map((c) => `  ${c.help}`)
      .join('\n')}`,
  );
  process.exit(name ? 2 : 0);
}
try {
  loadConfig();
  await command.run(args);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
