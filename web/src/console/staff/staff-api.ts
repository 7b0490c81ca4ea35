import type { Role } from '../permissions';
import { adminApi } from '../session';

/** GET /api/admin/staff, one person. */
export interface StaffMember {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: 'invited' | 'active' | 'disabled';
  eventIds: string[];
  performanceIds: string[];
  refundLimit: number | null;
  factors: { totp: boolean; passkeys: number; recoveryCodesLeft: number };
  createdAt: string;
  lastUsedAt: string | null;
  disabledReason: string | null;
}

/** A role and the limits that go with it: events (event managers), performances (doors), a refund limit (box office). */
export interface RoleChoice {
  role: Role;
  eventIds: string[];
  performanceIds: string[];
  refundLimit: number | null;
}

/** Only the limits the role uses are sent, so a role change does not carry another role's limits along. */
export function limitsOf(choice: RoleChoice): Partial<RoleChoice> {
  if (choice.role === 'event_manager') return { eventIds: choice.eventIds };
  if (choice.role === 'door') return { performanceIds: choice.performanceIds };
  if (choice.role === 'box_office') return { refundLimit: choice.refundLimit };
  return {};
}

export const listStaff = (signal?: AbortSignal) => adminApi<{ staff: StaffMember[] }>('/api/admin/staff', { signal }).then((r) => r.staff);

export const inviteStaff = (body: { email: string; name?: string } & RoleChoice) =>
  adminApi<{ staff: StaffMember; invitationUrl: string }>('/api/admin/staff', {
    method: 'POST',
    body: { email: body.email, ...(body.name ? { name: body.name } : {}), role: body.role, ...limitsOf(body) },
  });

export const updateStaff = (id: string, patch: Record<string, unknown>) => adminApi<StaffMember>(`/api/admin/staff/${id}`, { method: 'PATCH', body: patch });

export const reinviteStaff = (id: string) => adminApi<{ invitationUrl: string }>(`/api/admin/staff/${id}/invitation`, { method: 'POST' });
