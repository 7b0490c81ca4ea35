import { type Config, loadConfig } from '../config.js';
import type { Db } from '../platform/transaction.js';
import { InventoryError, loadInventory, type ScriptInventory } from '../security/script-inventory.js';
import { listWidgets, setWidgetDisabled, type WidgetListItem } from '../widgets/widgets.service.js';
import { cliActor, refusalsAsExitCode } from './access-actor.js';
import { withDatabase } from './with-database.js';

const USAGE = 'usage: taquilla widgets list [--json] | disable NAME [--reason TEXT] | enable NAME [--reason TEXT]';

export type WidgetsCommand = { action: 'list'; json: boolean } | { action: 'disable' | 'enable'; name: string; reason?: string };

export function parseWidgetsArgs(args: string[]): WidgetsCommand {
  const [action, ...rest] = args;
  if (action === 'list') {
    const unknown = rest.find((a) => a !== '--json');
    if (unknown) throw new Error(`widgets list: unknown argument "${unknown}" (${USAGE})`);
    return { action, json: rest.includes('--json') };
  }
  if (action !== 'disable' && action !== 'enable') throw new Error(`widgets takes list, disable or enable, not "${action ?? ''}" (${USAGE})`);
  const [name, ...options] = rest;
  if (!name || name.startsWith('--')) throw new Error(`widgets ${action} needs the widget's name (${USAGE})`);
  let reason: string | undefined;
  for (let i = 0; i < options.length; i++) {
    const arg = options[i]!;
    if (arg.startsWith('--reason=')) reason = arg.slice('--reason='.length);
    else if (arg === '--reason' && options[i + 1] !== undefined) reason = options[++i];
    else throw new Error(`widgets ${action}: unknown argument "${arg}" (${USAGE})`);
  }
  return { action, name, reason };
}

function formatWidgets(widgets: WidgetListItem[]): string[] {
  if (widgets.length === 0) return ['no widgets configured (WIDGETS)'];
  const rows = widgets.map((w) => [
    w.name,
    w.disabled ? 'OFF' : 'on',
    w.shownOn.join(',') || '-',
    w.classes.map((c) => (w.approved[c] ? c : `${c} (not approved)`)).join(', ') || '-',
    w.origin,
    w.changedBy ? `${w.changedAt?.toISOString().slice(0, 16).replace('T', ' ')} by ${w.changedBy}${w.reason ? `: ${w.reason}` : ''}` : '',
  ]);
  const header = ['name', 'switch', 'shown on', 'classes', 'origin', 'last change'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
}

/** Runs one `widgets` command; the running servers follow a switch within 5 seconds. */
export async function runWidgets(
  db: Db,
  config: Pick<Config, 'widgets'>,
  inventory: ScriptInventory,
  command: WidgetsCommand,
  print: (line: string) => void,
): Promise<void> {
  if (command.action === 'list') {
    const widgets = await listWidgets(db, config, inventory);
    if (command.json) print(JSON.stringify(widgets, null, 2));
    else for (const line of formatWidgets(widgets)) print(line);
    return;
  }
  const disabled = command.action === 'disable';
  await setWidgetDisabled(db, config, { name: command.name, disabled, reason: command.reason, actor: cliActor() });
  print(`widget "${command.name}" switched ${disabled ? 'off' : 'on'}: every running server follows within 5 seconds`);
}

/** An unreadable inventory approves nothing, as on the server; the switch works without it. */
function inventoryOrNone(path: string): ScriptInventory {
  try {
    return loadInventory(path);
  } catch (error) {
    if (!(error instanceof InventoryError)) throw error;
    console.error(`warning: ${error.message}; no widget counts as approved`);
    return { entries: [] };
  }
}

/** `taquilla widgets list | disable NAME [--reason TEXT] | enable NAME`. */
export async function widgets(args: string[]): Promise<void> {
  const command = parseWidgetsArgs(args);
  const config = loadConfig();
  const inventory = command.action === 'list' ? inventoryOrNone(config.scriptInventoryPath) : { entries: [] };
  await withDatabase(async (db) => {
    await refusalsAsExitCode(() => runWidgets(db, config, inventory, command, (line) => console.log(line)));
  });
}
