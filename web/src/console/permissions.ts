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

export const ROLE_LABELS: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  event_manager: 'Event manager',
  box_office: 'Box office',
  door: 'Door',
  support: 'Support',
  security: 'Security',
};

export const ROLE_HINTS: Record<Role, string> = {
  owner: 'Everything, including the purge and granting the owner role.',
  admin: 'Everything but the purge; cannot grant the owner role.',
  event_manager: 'Events, sales, the waiting room, orders, seat blocks and comps of the events chosen below.',
  box_office: 'Sell at the counter; orders: search, refund up to the limit below, cancel.',
  door: 'Check-in only, at the performances chosen below (none: any).',
  support: 'Read orders and the outbox, to answer buyers.',
  security: 'Shield, incidents, the audit log, the staff list and the access review.',
};

export const roleLabel = (role: string): string => ROLE_LABELS[role as Role] ?? role;
