import { t } from '../i18n';
import { incidentKindLabel } from '../shield/incident-words';
import { adminApi } from '../session';

/**
 * Incident response (issue 13): incidents of every kind, their timeline, scopes of exactly who was
 * affected, the regulator's draft and the response steps. Shapes as the server answers them
 * (src/security/incidents.routes.ts, incidents.schemas.ts, incident-response.routes.ts;
 * /api/openapi.json).
 */

export const CATEGORIES = ['ddos', 'script_compromise', 'credential_stuffing', 'staff_access', 'data_exposure', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type Status = 'open' | 'contained' | 'resolved';

/** A category in words; one the console does not know, as the server names it. */
export const categoryLabel = (c: string): string => incidentKindLabel(c);
export const severityLabel = (s: Severity): string => t(`incidents.severity.${s}`);

export interface IncidentEvent {
  at: string;
  what: string;
  details: Record<string, unknown>;
}

export interface Incident {
  id: string;
  /** The detector's own name (traffic_flood, script_compromise…) or, opened by hand, the category. */
  kind: string;
  category: Category;
  status: Status;
  title: string;
  summary: string;
  severity: Severity;
  owner: string | null;
  /** `system` for the detectors, else `staff:<id>`, `key:<id>` or `break_glass`. */
  openedBy: string;
  openedAt: string;
  /** When Taquilla became aware: the 72-hour regulator clock (GDPR Art. 33) starts here. */
  awareAt: string;
  regulatorDeadline: string;
  containedAt: string | null;
  resolvedAt: string | null;
  /** Oldest first. */
  timeline: IncidentEvent[];
}

export interface ScopeCriteria {
  from?: string;
  to?: string;
  buildIds?: string[];
  scriptHashes?: string[];
  performanceIds?: string[];
  eventIds?: string[];
  storefronts?: string[];
  pageClasses?: string[];
}

export interface Scope {
  id: string;
  incidentId: string;
  criteria: ScopeCriteria;
  /** Distinct buyer emails. */
  people: number;
  checkoutAttempts: number;
  /** people / everyone who ever bought or tried to (0 to 1). */
  shareOfCustomers: number;
  allPeople?: number;
  queryMs: number;
  createdAt?: string;
  createdBy?: string;
}

export const loadIncidents = (signal?: AbortSignal) =>
  adminApi<{ incidents: Incident[] }>('/api/admin/incidents?limit=100', { signal }).then((r) => r.incidents);

export const loadIncident = (id: string, signal?: AbortSignal) =>
  adminApi<{ incident: Incident; scopes: Scope[] }>(`/api/admin/incidents/${encodeURIComponent(id)}`, { signal });

export const openIncident = (body: { kind: Category; title: string; severity: Severity; awareAt: string; owner?: string }) =>
  adminApi<Incident>('/api/admin/incidents', { method: 'POST', body });

export const updateIncident = (id: string, patch: { status?: Status; severity?: Severity; owner?: string | null; title?: string }) =>
  adminApi<Incident>(`/api/admin/incidents/${id}`, { method: 'PATCH', body: patch });

export const addNote = (id: string, text: string) => adminApi<Incident>(`/api/admin/incidents/${id}/notes`, { method: 'POST', body: { text } });

export const countScope = (id: string, criteria: ScopeCriteria) => adminApi<Scope>(`/api/admin/incidents/${id}/scopes`, { method: 'POST', body: criteria });

/** A plain link: the session cookie goes with it, and the server answers with `content-disposition: attachment`. */
export const peopleCsvHref = (id: string, scopeId: string) => `/api/admin/incidents/${id}/scopes/${scopeId}/people.csv`;

/** GDPR Art. 33(3) fields, and the same as text to review and send. */
export const loadRegulatorDraft = (id: string, signal?: AbortSignal) =>
  adminApi<{ text: string; deadline?: string }>(`/api/admin/incidents/${id}/regulator-draft`, { signal });

// --- response steps (src/security/incident-response.routes.ts) ----------------------------------

export type Step = 'notify' | 'reset' | 'flag' | 'revoke_staff';

export interface DryRun {
  /** People the step would handle now: those it has not handled in an earlier run. */
  count: number;
  total?: number;
  alreadyDone?: number;
  /** Of `count`, those with a customer account (reset, flag). */
  accounts?: number;
  /** API keys not revoked yet (revoke_staff). */
  apiKeys?: number;
  /** The first few, their emails masked (`a***@example.com`), with their language. */
  sample: unknown[];
}

export interface StepRun {
  id: string;
  step: Step;
  scopeId: string | null;
  /** `running` while it works, then `done` or `failed` (a failed run resumes when the step is started again). */
  status: string;
  done: number;
  failed: number;
  left: number;
  /** People per second, over the run. */
  rate: number;
  /** Running without progress for a minute: its process probably died; starting the step again resumes it. */
  stalled?: boolean;
  total: number;
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
}

const stepsUrl = (id: string) => `/api/admin/incidents/${id}/steps`;

export const dryRunStep = (id: string, step: Step, scopeId: string | undefined) =>
  adminApi<DryRun>(stepsUrl(id), { method: 'POST', body: { step, ...(scopeId ? { scopeId } : {}), dryRun: true } });

export const startStep = (id: string, step: Step, scopeId: string | undefined) =>
  adminApi<StepRun>(stepsUrl(id), { method: 'POST', body: { step, ...(scopeId ? { scopeId } : {}) } });

/** Newest first. */
export const loadRuns = (id: string, signal?: AbortSignal) => adminApi<{ runs: StepRun[] }>(stepsUrl(id), { signal }).then((r) => r.runs);

// --- small words and numbers ------------------------------------------------------------------

export const STATUS_TONE: Record<Status, string> = { open: 'bad', contained: 'warn', resolved: 'good' };
export const SEVERITY_TONE: Record<Severity, string> = { critical: 'bad', high: 'bad', medium: 'warn', low: 'neutral' };

/** 0.004 → "0.4%"; under 0.1% but not none → "<0.1%". */
export function formatShare(share: number): string {
  const pct = share * 100;
  if (pct === 0) return '0%';
  if (pct < 0.1) return '<0.1%';
  return `${pct < 10 ? pct.toFixed(1) : Math.round(pct)}%`;
}

/** Lists typed one per line, or separated by commas or spaces. */
export const splitList = (text: string): string[] => [...new Set(text.split(/[\s,]+/).filter(Boolean))];
