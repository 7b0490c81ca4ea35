import type { StaffRole } from '../platform/database.types.js';

/**
 * What a credential may do. Every operator route names exactly one of these in its route config
 * (`config: { permission }`); one guard checks it (platform/http/permission-guard.ts). The console shows only what
 * the role's permissions allow, and the server refuses the rest with 403 `forbidden`.
 */
export const PERMISSIONS = [
  'venues.read',
  'venues.write',
  'events.read',
  'events.write',
  'sales.read',
  'sales.control',
  'queue.read',
  'queue.manage',
  'orders.read',
  'orders.refund',
  'orders.cancel',
  'orders.resend',
  'orders.comp',
  'orders.box_office',
  'inventory.block',
  'outbox.read',
  'checkin.scan',
  'shield.read',
  'shield.manage',
  'incidents.read',
  'incidents.manage',
  'security.read',
  'metrics.read',
  'widgets.manage',
  'audit.read',
  'staff.read',
  'staff.manage',
  'api_keys.manage',
  'access.review',
  'access.purge',
  'customers.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ALL = new Set<Permission>(PERMISSIONS);
const without = (...excluded: Permission[]) => new Set(PERMISSIONS.filter((p) => !excluded.includes(p)));

/**
 * Least privilege, per role. An event manager's permissions hold only for their chosen events;
 * a box office account refunds up to its refund limit; a door account scans only at its
 * performances when it is bound to some. Blocking seats and issuing comps give stock away, so
 * they belong to those who run an event (event manager, admin, owner); the box office sells at
 * the counter, from free or blocked stock. `metrics.read` opens GET /metrics: the security officer
 * watches those figures too, and a scraper's API key holds it alone.
 */
export const ROLE_PERMISSIONS: Record<StaffRole, ReadonlySet<Permission>> = {
  owner: ALL,
  admin: without('access.purge'),
  event_manager: new Set([
    'venues.read',
    'events.read',
    'events.write',
    'sales.read',
    'sales.control',
    'queue.read',
    'queue.manage',
    'orders.read',
    'orders.comp',
    'inventory.block',
  ]),
  box_office: new Set(['events.read', 'venues.read', 'sales.read', 'orders.read', 'orders.refund', 'orders.cancel', 'orders.resend', 'orders.box_office']),
  door: new Set(['events.read', 'checkin.scan']),
  support: new Set(['events.read', 'orders.read', 'orders.resend', 'outbox.read']),
  security: new Set([
    'shield.read',
    'shield.manage',
    'incidents.read',
    'incidents.manage',
    'security.read',
    'metrics.read',
    'widgets.manage',
    'audit.read',
    'staff.read',
    'access.review',
    'customers.manage',
  ]),
};

export const STAFF_ROLES = Object.keys(ROLE_PERMISSIONS) as StaffRole[];
export const isPermission = (value: string): value is Permission => ALL.has(value as Permission);
