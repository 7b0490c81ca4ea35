import type { Config } from '../config.js';
import type { Db } from '../platform/transaction.js';
import { listApiKeys } from './api-keys.repository.js';
import { apiKeyView } from './api-keys.service.js';
import { ROLE_PERMISSIONS } from './permissions.js';
import * as repo from './access-review.repository.js';

/**
 * The access review (NIST SP 800-53 AC-2): every staff account and API key, what it may do, its
 * factors and last use, and what deserves a look. The console, the API and `taquilla access review`
 * show this same report.
 *
 * Staff flags: `invited_not_enrolled`, `no_passkey` (phishing-resistant factor missing),
 * `no_second_factor` (should never happen: sign-in requires one), `few_recovery_codes` (under 3),
 * `dormant_soon` (within 7 days of STAFF_DORMANT_DAYS), `dormant` (past it: tonight's job disables
 * it). Key flags: `never_used`, `dormant_soon`, `dormant`, `expires_soon` (within 14 days).
 * Warnings: `no_active_owner`, `single_owner` (nobody to restore an owner who loses their
 * factors), `break_glass_on` (the admin token still works), `break_glass_used` (in the last 30 days).
 */
const DAY = 86_400_000;
const SOON_DAYS = 7;
const EXPIRY_SOON_DAYS = 14;
export const BREAK_GLASS_WINDOW_DAYS = 30;

function dormancy(lastActivity: Date, dormantDays: number, now: number): { dormantAt: string; flags: string[] } {
  const at = lastActivity.getTime() + dormantDays * DAY;
  const flags = at <= now ? ['dormant'] : at - now <= SOON_DAYS * DAY ? ['dormant_soon'] : [];
  return { dormantAt: new Date(at).toISOString(), flags };
}

export async function accessReport(db: Db, config: Pick<Config, 'staffDormantDays' | 'breakGlass'>) {
  const now = Date.now();
  const days = config.staffDormantDays;
  const [staffRows, keyRows, breakGlass, runs] = await Promise.all([
    repo.staffForReview(db),
    listApiKeys(db),
    repo.breakGlassUses(db, BREAK_GLASS_WINDOW_DAYS),
    repo.recentRuns(db, 30),
  ]);

  const staff = staffRows.map((s) => {
    const live = s.status !== 'disabled';
    const { dormantAt, flags } = live ? dormancy(s.last_activity_at, days, now) : { dormantAt: null, flags: [] as string[] };
    if (s.status === 'invited') flags.unshift('invited_not_enrolled');
    if (s.status === 'active') {
      if (!s.totp && s.passkeys === 0) flags.unshift('no_second_factor');
      else if (s.recovery_codes_left < 3) flags.unshift('few_recovery_codes');
      if (s.passkeys === 0) flags.unshift('no_passkey');
    }
    return {
      id: s.id,
      email: s.email,
      name: s.name,
      role: s.role,
      status: s.status,
      permissions: [...ROLE_PERMISSIONS[s.role]].sort(),
      eventIds: s.role === 'event_manager' ? s.event_ids : null,
      performanceIds: s.role === 'door' && s.performance_ids.length > 0 ? s.performance_ids : null,
      refundLimit: s.role === 'box_office' ? (s.refund_limit ?? 0) : null,
      factors: { totp: s.totp, passkeys: s.passkeys, recoveryCodesLeft: s.recovery_codes_left },
      createdAt: s.created_at.toISOString(),
      lastUsedAt: s.last_used_at?.toISOString() ?? null,
      lastActivityAt: s.last_activity_at.toISOString(),
      dormantAt,
      disabledReason: s.disabled_reason,
      flags,
    };
  });

  const apiKeys = keyRows.map((row) => {
    const view = apiKeyView(row, now);
    const flags: string[] = [];
    let dormantAt: string | null = null;
    if (view.status === 'active') {
      const d = dormancy(row.last_used_at ?? row.created_at, days, now);
      dormantAt = d.dormantAt;
      if (!row.last_used_at) flags.push('never_used');
      flags.push(...d.flags);
      if (row.expires_at.getTime() - now <= EXPIRY_SOON_DAYS * DAY) flags.push('expires_soon');
    }
    return { ...view, dormantAt, flags };
  });

  const owners = staff.filter((s) => s.role === 'owner' && s.status === 'active').length;
  const warnings: string[] = [];
  if (owners === 0) warnings.push('no_active_owner');
  if (owners === 1) warnings.push('single_owner');
  if (config.breakGlass) warnings.push('break_glass_on');
  if (breakGlass.count > 0) warnings.push('break_glass_used');

  return {
    generatedAt: new Date(now).toISOString(),
    dormantDays: days,
    summary: {
      staff: staff.length,
      active: staff.filter((s) => s.status === 'active').length,
      invited: staff.filter((s) => s.status === 'invited').length,
      disabled: staff.filter((s) => s.status === 'disabled').length,
      owners,
      apiKeys: apiKeys.filter((k) => k.status === 'active').length,
      flagged: staff.filter((s) => s.flags.length > 0).length + apiKeys.filter((k) => k.flags.length > 0).length,
    },
    warnings,
    staff,
    apiKeys,
    breakGlass: { enabled: config.breakGlass, usesLast30Days: breakGlass.count, lastUsedAt: breakGlass.lastAt?.toISOString() ?? null },
    dormantRuns: runs.map((r) => ({ day: r.day, ranAt: r.ran_at.toISOString(), dormantDays: r.dormant_days, disabled: r.disabled })),
  };
}
export type AccessReport = Awaited<ReturnType<typeof accessReport>>;
