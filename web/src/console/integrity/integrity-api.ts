import { adminApi, can } from '../session';

/**
 * Payment-page integrity (PCI DSS 6.4.3 and 11.6.1): the script inventory, the builds served, the
 * tamper check, CSP violation reports and the widgets' kill switch. Shapes as the server answers
 * them (src/security/*.routes.ts, src/widgets/widgets.routes.ts; /api/openapi.json).
 */

/** Who may throw the widgets' kill switch. */
export const canManageWidgets = (): boolean => can('widgets.manage');

/** Classes whose pages take card details and passwords: what the page highlights. */
export const GUARDED = new Set(['payment', 'account']);

// --- tamper check (src/security/tamper-check.routes.ts) ------------------------------------------

/** One page or file the check fetched. */
export interface TamperChecked {
  url: string;
  /** page, script or style. */
  kind: string;
  pageClass?: string;
  /** null: no answer. */
  status: number | null;
  /** Of the bytes received, decompressed (pages without their nonce). */
  sha384: string | null;
  encoding?: string;
  buildId?: string;
}

/** `kind` is one of src/security/tamper-check.findings.ts (`asset_hash_mismatch`, `csp_source_added`…). */
export interface TamperFinding {
  page: string;
  kind: string;
  expected: string;
  actual: string;
}

export interface TamperCheck {
  id: string;
  buildId: string;
  startedAt: string;
  finishedAt: string;
  ok: boolean;
  pages: TamperChecked[];
  findings: TamperFinding[];
  /** The script_compromise incident the findings joined. */
  incidentId: string | null;
}

/** Newest first. */
export const loadTamperChecks = (signal?: AbortSignal) =>
  adminApi<{ checks: TamperCheck[] }>('/api/admin/security/tamper-checks?limit=20', { signal }).then((r) => r.checks);

/** Runs a check now (a few seconds at most: the payment and account pages fetched as a browser would). */
export const runTamperCheck = () => adminApi<TamperCheck>('/api/admin/security/tamper-checks', { method: 'POST' });

// --- widgets (src/widgets/widgets.routes.ts) -----------------------------------------------------

export interface Widget {
  name: string;
  title: string;
  url: string;
  origin: string;
  classes: string[];
  connect: string[];
  /** Per configured class: whether the script inventory approves it there. */
  approved: Record<string, boolean>;
  /** Classes it appears on with the switch as it is. */
  shownOn: string[];
  disabled: boolean;
  reason: string | null;
  changedBy: string | null;
  changedAt: string | null;
}

export const loadWidgets = (signal?: AbortSignal) => adminApi<{ widgets: Widget[]; warnings: string[] }>('/api/admin/widgets', { signal });

/** Off: at once, no second factor. On: the server asks for one (403 `sudo_required`, handled by adminApi). */
export const switchWidget = (name: string, action: 'disable' | 'enable', reason?: string) =>
  adminApi<Widget>(`/api/admin/widgets/${encodeURIComponent(name)}/${action}`, { method: 'POST', body: reason ? { reason } : {} });

// --- CSP violation reports (src/security/csp-reports.routes.ts) ----------------------------------

export interface CspReport {
  signature: string;
  pageClass: string;
  document: string;
  directive: string;
  blocked: string;
  source: string;
  sample: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

export const loadCspReports = (signal?: AbortSignal) =>
  adminApi<{ reports: CspReport[]; dropped: number }>('/api/admin/security/csp-reports?limit=100', { signal });

// --- script inventory and builds (src/security/integrity.routes.ts) ------------------------------

export interface InventoryEntry {
  id: string;
  kind: 'first-party' | 'widget';
  chunks?: string[];
  origin?: string;
  classes: string[];
  purpose: string;
  owner: string;
  approved: string;
}

export interface Inventory {
  path: string;
  pageClasses: string[];
  entries: InventoryEntry[];
  currentBuild: string;
}

export interface BuildSummary {
  buildId: string;
  firstServedAt: string;
  lastServedAt: string;
  processStarts: number;
  checkouts: number;
}

export interface BuildManifest {
  buildId: string;
  builtAt: string;
  /** sha384 of the inventory the build was checked against. */
  inventory: string;
  pages: Record<string, { classes: string[]; scripts: { path: string; chunk: string; sha384: string }[]; styles: { path: string; sha384: string }[] }>;
}

export const loadInventory = (signal?: AbortSignal) => adminApi<Inventory>('/api/admin/security/inventory', { signal });

export const loadBuilds = (signal?: AbortSignal) => adminApi<{ current: string; builds: BuildSummary[] }>('/api/admin/security/builds', { signal });

export const loadBuild = (buildId: string, signal?: AbortSignal) =>
  adminApi<BuildManifest>(`/api/admin/security/builds/${encodeURIComponent(buildId)}`, { signal });

/** Only sealed builds have a manifest (an unsealed or missing build has another kind of id). */
export const sealed = (buildId: string): boolean => /^[0-9a-f]{16}$/.test(buildId);

/** A sha384 as a reader compares it: its first characters (the whole in a tooltip). */
export const shortHash = (hash: string): string => (hash.length > 19 ? `${hash.slice(0, 19)}…` : hash || '—');
