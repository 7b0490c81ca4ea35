import { readFileSync } from 'node:fs';
import { PAGE_CLASSES, WIDGET_FREE_CLASSES, type PageClass } from './page-classes.js';

/**
 * The script inventory (PCI DSS v4.0 6.4.3): every script that may run on each page class, with
 * why it is there, who answers for it and the change that approved it. It is committed
 * (security/script-inventory.json) and read twice: by the build (scripts/seal-web.ts), which
 * refuses to produce pages that would load a chunk it does not name, and by the server, which
 * shows no widget the inventory does not name for that origin and page class.
 *
 * First-party entries name build chunks: the Vite manifest's source for entries and lazy pages
 * (`index.html`, `src/buyer/pages/checkout.tsx`, `../node_modules/...`), `chunk:NAME` for shared
 * chunks and `worker:NAME` for workers; `*` matches within one path segment.
 */
export interface InventoryEntry {
  id: string;
  kind: 'first-party' | 'widget';
  /** First-party: the chunks this entry covers. */
  chunks?: string[];
  /** Widget: the origin its frame is served from. */
  origin?: string;
  classes: PageClass[];
  purpose: string;
  owner: string;
  /** The change that approved it: an issue, a pull request, a commit. */
  approved: string;
}

export interface ScriptInventory {
  entries: InventoryEntry[];
}

export class InventoryError extends Error {}

const text = (value: unknown, max = 500): value is string => typeof value === 'string' && value.trim().length > 0 && value.length <= max;

export function parseInventory(json: unknown): ScriptInventory {
  const scripts = (json as { scripts?: unknown } | null)?.scripts;
  if (!Array.isArray(scripts)) throw new InventoryError('the inventory must have a "scripts" array');
  const ids = new Set<string>();
  const entries = scripts.map((raw, i): InventoryEntry => {
    const e = raw as Record<string, unknown>;
    const where = `scripts[${i}]`;
    if (!text(e.id, 80)) throw new InventoryError(`${where}.id is required`);
    if (ids.has(e.id)) throw new InventoryError(`${where}.id "${e.id}" is used twice`);
    ids.add(e.id);
    for (const field of ['purpose', 'owner', 'approved'] as const) {
      if (!text(e[field]))
        throw new InventoryError(`${where} (${e.id}) needs a "${field}": inventoried code says why it runs, who owns it and what approved it`);
    }
    if (!Array.isArray(e.classes) || e.classes.length === 0 || e.classes.some((c) => !PAGE_CLASSES.includes(c as PageClass))) {
      throw new InventoryError(`${where}.classes must list page classes among ${PAGE_CLASSES.join(', ')}`);
    }
    const classes = e.classes as PageClass[];
    if (e.kind === 'first-party') {
      if (!Array.isArray(e.chunks) || e.chunks.length === 0 || e.chunks.some((c) => !text(c, 300)))
        throw new InventoryError(`${where}.chunks must list build chunks`);
      return {
        id: e.id,
        kind: 'first-party',
        chunks: e.chunks as string[],
        classes,
        purpose: e.purpose as string,
        owner: e.owner as string,
        approved: e.approved as string,
      };
    }
    if (e.kind === 'widget') {
      if (!text(e.origin, 300) || !/^https?:\/\/[^/\s]+$/.test(e.origin)) throw new InventoryError(`${where}.origin must be an http(s) origin`);
      const forbidden = classes.filter((c) => WIDGET_FREE_CLASSES.includes(c));
      if (forbidden.length) throw new InventoryError(`${where} (${e.id}): a widget may not be approved for ${forbidden.join(', ')} pages`);
      return { id: e.id, kind: 'widget', origin: e.origin, classes, purpose: e.purpose as string, owner: e.owner as string, approved: e.approved as string };
    }
    throw new InventoryError(`${where}.kind must be "first-party" or "widget"`);
  });
  return { entries };
}

export function loadInventory(path: string): ScriptInventory {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InventoryError(`cannot read the script inventory at ${path}: ${(error as Error).message}`);
  }
  return parseInventory(json);
}

function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]*')}$`,
  );
  return re.test(value);
}

/** The inventory entry that approves a build chunk on a page class, if any. */
export function approvedChunk(inventory: ScriptInventory, chunk: string, pageClass: PageClass): InventoryEntry | undefined {
  return inventory.entries.find((e) => e.kind === 'first-party' && e.classes.includes(pageClass) && e.chunks!.some((p) => globMatch(p, chunk)));
}

/** The inventory entry that approves a widget (by name and origin) on a page class, if any. */
export function approvedWidget(inventory: ScriptInventory, name: string, origin: string, pageClass: PageClass): InventoryEntry | undefined {
  return inventory.entries.find((e) => e.kind === 'widget' && e.id === name && e.origin === origin && e.classes.includes(pageClass));
}
