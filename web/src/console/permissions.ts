import { t } from './i18n';

/**
 * The permissions the server names (src/accounts/permissions.ts; GET /api/auth/staff/me answers the
 * signed-in role's), written out here so a typo in the console fails the typecheck. The console
 * only uses them to decide what to show.
 */
export type Permission =
  | 'venues.read'
  | 'venues.write'
  | 'events.read'
  | 'events.write'
  | 'sales.read'
  | 'sales.control'
  | 'queue.read'
  | 'queue.manage'
  | 'orders.read'
  | 'orders.refund'
  | 'orders.cancel'
  | 'orders.resend'
  | 'orders.comp'
  | 'orders.box_office'
  | 'inventory.block'
  | 'outbox.read'
  | 'checkin.scan'
  | 'shield.read'
  | 'shield.manage'
  | 'incidents.read'
  | 'incidents.manage'
  | 'security.read'
  | 'metrics.read'
  | 'audit.read'
  | 'staff.read'
  | 'staff.manage'
  | 'api_keys.manage'
  | 'access.review'
  | 'access.purge'
  | 'customers.manage'
  | 'widgets.manage';

export const ROLES = ['owner', 'admin', 'event_manager', 'box_office', 'door', 'support', 'security'] as const;
export type Role = (typeof ROLES)[number];

/** A role's name in the console's language. */
export const roleLabel = (role: string): string => ((ROLES as readonly string[]).includes(role) ? t(`role.${role as Role}`) : role);

/** What a role may do, in the console's language. */
export const roleHint = (role: Role): string => t(`roleHint.${role}`);
