import type { Config, WidgetConfig } from '../config.js';
import { audit } from '../platform/audit.js';
import { AppError } from '../platform/errors.js';
import type { Db } from '../platform/transaction.js';
import { type PageClass, WIDGET_FREE_CLASSES } from '../security/page-classes.js';
import { addEventToOpenIncidents } from '../security/incidents.repository.js';
import { approvedWidget, type ScriptInventory } from '../security/script-inventory.js';
import { listWidgetSwitches, lockWidgetSwitch, saveWidgetSwitch } from './widgets.repository.js';

/**
 * The kill switch and the operators' view of the widgets. A widget appears on a page class only
 * when all of these hold: it is configured for the class, the class is not one where no widget
 * may appear, the script inventory approves it (name, origin, class), and no operator has
 * switched it off.
 */

export interface WidgetSwitch {
  disabled: boolean;
  reason: string;
  changedBy: string;
  changedAt: Date;
}

export interface WidgetListItem {
  name: string;
  title: string;
  url: string;
  origin: string;
  classes: PageClass[];
  connect: string[];
  /** Per configured class: whether the script inventory approves the widget there. */
  approved: Partial<Record<PageClass, boolean>>;
  /** Classes it appears on while the switch stays as it is now. */
  shownOn: PageClass[];
  disabled: boolean;
  reason: string | null;
  changedBy: string | null;
  changedAt: Date | null;
}

/** The classes of `widget` on which it may appear at all (configured, allowed, approved), switch aside. */
export function approvedClasses(widget: WidgetConfig, inventory: ScriptInventory): PageClass[] {
  return widget.classes.filter((c) => !WIDGET_FREE_CLASSES.includes(c) && approvedWidget(inventory, widget.name, widget.origin, c) !== undefined);
}

export async function readWidgetSwitches(db: Db): Promise<Map<string, WidgetSwitch>> {
  const rows = await listWidgetSwitches(db);
  return new Map(rows.map((r) => [r.name, { disabled: r.disabled, reason: r.reason, changedBy: r.changed_by, changedAt: r.changed_at }]));
}

export function widgetList(config: Pick<Config, 'widgets'>, inventory: ScriptInventory, switches: ReadonlyMap<string, WidgetSwitch>): WidgetListItem[] {
  return config.widgets.map((w) => {
    const approved = approvedClasses(w, inventory);
    const state = switches.get(w.name);
    return {
      name: w.name,
      title: w.title,
      url: w.url,
      origin: w.origin,
      classes: [...w.classes],
      connect: [...w.connect],
      approved: Object.fromEntries(w.classes.map((c) => [c, approved.includes(c)])),
      shownOn: state?.disabled ? [] : approved,
      disabled: state?.disabled ?? false,
      reason: state ? state.reason || null : null,
      changedBy: state?.changedBy ?? null,
      changedAt: state?.changedAt ?? null,
    };
  });
}

export async function listWidgets(db: Db, config: Pick<Config, 'widgets'>, inventory: ScriptInventory): Promise<WidgetListItem[]> {
  return widgetList(config, inventory, await readWidgetSwitches(db));
}

export interface WidgetSwitchChange {
  name: string;
  disabled: boolean;
  reason?: string;
  /** `staff:<id>`, `key:<id>`, `break_glass`, `cli:<user>`. */
  actor: string;
  ip?: string | null;
}

/**
 * Switches a configured widget off (or on again) on every process: each reads the switches every
 * two seconds. The change and its audit entry are one transaction.
 */
export async function setWidgetDisabled(db: Db, config: Pick<Config, 'widgets'>, change: WidgetSwitchChange): Promise<WidgetSwitch> {
  if (!config.widgets.some((w) => w.name === change.name)) {
    const known = config.widgets.map((w) => w.name).join(', ') || 'none';
    throw new AppError('widget_not_found', 404, `No widget named "${change.name}" is configured (configured: ${known})`, { name: change.name });
  }
  const reason = (change.reason ?? '').trim();
  if (reason.length > 500) throw new AppError('invalid_request', 400, 'The reason may be at most 500 characters', { field: 'body.reason' });
  return db.transaction().execute(async (tx) => {
    const before = await lockWidgetSwitch(tx, change.name);
    const row = await saveWidgetSwitch(tx, { name: change.name, disabled: change.disabled, reason, changedBy: change.actor });
    await audit(tx, {
      actor: change.actor,
      action: change.disabled ? 'widgets.widget.disabled' : 'widgets.widget.enabled',
      subjectType: 'widget',
      subjectId: change.name,
      ip: change.ip,
      data: { reason, wasDisabled: before?.disabled ?? false },
    });
    // A switch that changes nothing is no response to an incident.
    if ((before?.disabled ?? false) !== change.disabled) {
      await addEventToOpenIncidents(tx, ['script_compromise'], change.disabled ? 'widget_disabled' : 'widget_enabled', {
        widget: change.name,
        reason,
        actor: change.actor,
      });
    }
    return { disabled: row.disabled, reason: row.reason, changedBy: row.changed_by, changedAt: row.changed_at };
  });
}
