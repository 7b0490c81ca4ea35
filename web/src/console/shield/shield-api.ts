import { formatCount } from '../format';
import { adminApi } from '../session';

/** `GET /api/admin/shield` (see /api/openapi.json). */
export type ShieldMode = 'on' | 'off';
/** What the operator chose: forced on or off, or left to attack detection. */
export type ShieldSetting = ShieldMode | 'auto';

export interface ShieldView {
  mode: ShieldMode;
  forced: boolean;
  since: string | null;
  reason: string | null;
  requestsPerSecond: number;
  /** By reason: rate_limited, blocked, overloaded, challenge_required… */
  refusedPerSecond: Record<string, number>;
  topPrefixes: { prefix: string; requestsPerSecond: number }[];
  /** 1 = at capacity; above it the lowest-priority requests are refused first. */
  pressure: number;
  /** Leading zero bits a queue join's proof of work needs now. */
  difficulty: number;
  // Not in every server's answer; shown when present.
  setting?: ShieldSetting;
  errorsPerSecond?: number;
  baselinePerSecond?: number;
  blockedAddresses?: number;
  enabled?: boolean;
}

export interface IncidentEvent {
  at: string;
  what: string;
  details: Record<string, unknown>;
}

export interface Incident {
  id: string;
  kind: string;
  status: 'open' | 'contained' | 'resolved';
  summary: string;
  openedAt: string;
  resolvedAt: string | null;
  /** Oldest first. */
  timeline: IncidentEvent[];
}

export const loadShield = (signal?: AbortSignal) => adminApi<ShieldView>('/api/admin/shield', { signal });

export const setShieldMode = (mode: ShieldSetting) => adminApi<ShieldView>('/api/admin/shield', { method: 'PUT', body: { mode } });

/** Newest first. */
export const loadIncidents = (signal?: AbortSignal) =>
  adminApi<{ incidents: Incident[] }>('/api/admin/incidents', { signal }).then((answer) => answer.incidents);

export const settingOf = (view: ShieldView): ShieldSetting => view.setting ?? (view.forced ? view.mode : 'auto');

/** Requests per second: one decimal while small, whole numbers once they are large. */
export function formatRate(n: number): string {
  return n < 10 && n !== Math.round(n) ? n.toFixed(1) : formatCount(Math.round(n));
}
