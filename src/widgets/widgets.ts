import type { Config, WidgetConfig } from '../config.js';
import { every } from '../platform/jobs.js';
import type { Db } from '../platform/transaction.js';
import { PAGE_CLASSES, type PageClass, WIDGET_FREE_CLASSES } from '../security/page-classes.js';
import type { ScriptInventory } from '../security/script-inventory.js';
import { widgetFramesHtml } from './widget-frames.js';
import {
  approvedClasses,
  listWidgets,
  readWidgetSwitches,
  setWidgetDisabled,
  type WidgetListItem,
  type WidgetSwitch,
  type WidgetSwitchChange,
  widgetList,
} from './widgets.service.js';

/** How often each process reads the kill switch: a change made anywhere is in effect everywhere within 5 s. */
export const SWITCH_POLL_MS = 2000;

/**
 * The widgets of one process: which to render on a page of a class right now, and the kill
 * switch as this process last read it. It fails closed: until the first read of the switches
 * succeeds no widget is shown; while the database is away the last state read stays in force.
 */
export function createWidgets(deps: { config: Pick<Config, 'widgets'>; db: Db; inventory: ScriptInventory; log: (message: string, error?: unknown) => void }) {
  const { config, db, inventory, log } = deps;
  // Configuration, class rules and the inventory do not change while the process runs: decided once.
  const candidates = new Map<PageClass, WidgetConfig[]>(PAGE_CLASSES.map((c) => [c, []]));
  for (const widget of config.widgets) {
    const approved = approvedClasses(widget, inventory);
    for (const c of widget.classes) {
      if (approved.includes(c)) candidates.get(c)!.push(widget);
      else if (!WIDGET_FREE_CLASSES.includes(c))
        log(`widget "${widget.name}" (${widget.origin}) is not approved for ${c} pages in the script inventory: not shown there`);
    }
  }

  let switches: ReadonlyMap<string, WidgetSwitch> | undefined;
  // Reads may overlap (the poll, a refresh after a change); an older read never replaces a newer one.
  let issued = 0;
  let applied = 0;

  function apply(next: ReadonlyMap<string, WidgetSwitch>): void {
    for (const widget of config.widgets) {
      const was = switches?.get(widget.name)?.disabled ?? false;
      const now = next.get(widget.name);
      if ((switches !== undefined || now?.disabled) && (now?.disabled ?? false) !== was) {
        log(`widget "${widget.name}" switched ${now?.disabled ? 'off' : 'on'} by ${now?.changedBy}${now?.reason ? `: ${now.reason}` : ''}`);
      }
    }
    switches = next;
  }

  async function refresh(): Promise<void> {
    const ticket = ++issued;
    const next = await readWidgetSwitches(db);
    if (ticket <= applied) return;
    applied = ticket;
    apply(next);
  }

  return {
    /** Widgets to render on a page of this class now; none before the switches were first read. */
    shownOn(pageClass: PageClass): readonly WidgetConfig[] {
      // Checked here too, whatever the configuration object or the inventory say.
      if (switches === undefined || WIDGET_FREE_CLASSES.includes(pageClass)) return [];
      const known = switches;
      return (candidates.get(pageClass) ?? []).filter((w) => !known.get(w.name)?.disabled);
    },

    /** The iframes for these widgets (src/widgets/widget-frames.ts). */
    frameHtml: widgetFramesHtml,

    /** Whether the switches have been read at least once (before that, nothing is shown). */
    get ready(): boolean {
      return switches !== undefined;
    },

    /** Reads the switches now. */
    refresh,

    /** Reads the switches at once, then every two seconds; an outage keeps the last state read. */
    start(onError: (error: unknown) => void = (error) => log('widget switches could not be read', error)): { stop(): Promise<void> } {
      const first = refresh().catch(onError);
      const job = every(SWITCH_POLL_MS, refresh, onError);
      return {
        async stop() {
          await job.stop();
          await first;
        },
      };
    },

    /** Every configured widget with its approvals and switch, read from the database. */
    list: () => listWidgets(db, config, inventory),

    /** Switches a widget off or on (audited), in effect in this process at once and in the others within 5 s. */
    async setDisabled(change: WidgetSwitchChange): Promise<WidgetListItem> {
      const saved = await setWidgetDisabled(db, config, change);
      if (switches !== undefined) {
        apply(new Map([...switches, [change.name, saved]]));
        // A read already under way may have begun before the change committed: it is not applied.
        applied = issued;
      }
      // The others' switches may have moved too; the next poll catches up if this read fails.
      await refresh().catch(() => {});
      return widgetList(config, inventory, new Map([[change.name, saved]])).find((w) => w.name === change.name)!;
    },
  };
}
export type Widgets = ReturnType<typeof createWidgets>;
