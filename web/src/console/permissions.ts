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

/** What a permission allows, in the console's language; the code itself where the console does not know it. */
export function permissionLabel(permission: string): string {
  const key = `keys.perm.${permission as Permission}` as const;
  return key in PERMISSION_KEYS ? t(key) : permission;
}

/** Every permission's message key: the typecheck fails when a permission has no words. */
const PERMISSION_KEYS: Record<`keys.perm.${Permission}`, true> = {
  'keys.perm.venues.read': true,
  'keys.perm.venues.write': true,
  'keys.perm.events.read': true,
  'keys.perm.events.write': true,
  'keys.perm.sales.read': true,
  'keys.perm.sales.control': true,
  'keys.perm.queue.read': true,
  'keys.perm.queue.manage': true,
  'keys.perm.orders.read': true,
  'keys.perm.orders.refund': true,
  'keys.perm.orders.cancel': true,
  'keys.perm.orders.resend': true,
  'keys.perm.orders.comp': true,
  'keys.perm.orders.box_office': true,
  'keys.perm.inventory.block': true,
  'keys.perm.outbox.read': true,
  'keys.perm.checkin.scan': true,
  'keys.perm.shield.read': true,
  'keys.perm.shield.manage': true,
  'keys.perm.incidents.read': true,
  'keys.perm.incidents.manage': true,
  'keys.perm.security.read': true,
  'keys.perm.audit.read': true,
  'keys.perm.staff.read': true,
  'keys.perm.staff.manage': true,
  'keys.perm.api_keys.manage': true,
  'keys.perm.access.review': true,
  'keys.perm.access.purge': true,
  'keys.perm.customers.manage': true,
  'keys.perm.widgets.manage': true,
  'keys.perm.metrics.read': true,
};
