import type { MessageKey } from './i18n';
import type { IconName } from './icons';
import { can } from './session';

/**
 * The console's sections and who sees them. A section is shown only to roles whose permissions let
 * them use its page (least privilege in the UI; the server refuses the rest anyway). The door
 * role's `events.read` feeds the scanner's list of performances, not an events page: the events
 * section is for roles that manage events or follow their sales.
 */
export type Section =
  | 'events'
  | 'venues'
  | 'orders'
  | 'scanner'
  | 'outbox'
  | 'shield'
  | 'integrity'
  | 'incidents'
  | 'audit'
  | 'staff'
  | 'keys'
  | 'review'
  | 'account';

export interface NavItem {
  section: Exclude<Section, 'account'>;
  href: string;
  /** Its name in the catalogue (nav.*). */
  label: MessageKey;
  icon: IconName;
  visible: () => boolean;
}

export const NAV: NavItem[] = [
  {
    section: 'events',
    href: '/console/events',
    label: 'nav.events',
    icon: 'events',
    visible: () => can('events.read') && (can('events.write') || can('sales.read')),
  },
  { section: 'venues', href: '/console/venues', label: 'nav.venues', icon: 'venues', visible: () => can('venues.read') },
  { section: 'orders', href: '/console/orders', label: 'nav.orders', icon: 'orders', visible: () => can('orders.read') },
  { section: 'scanner', href: '/console/scanner', label: 'nav.scanner', icon: 'scanner', visible: () => can('checkin.scan') },
  { section: 'outbox', href: '/console/outbox', label: 'nav.outbox', icon: 'outbox', visible: () => can('outbox.read') },
  { section: 'shield', href: '/console/shield', label: 'nav.shield', icon: 'shield', visible: () => can('shield.read') },
  { section: 'integrity', href: '/console/integrity', label: 'nav.integrity', icon: 'integrity', visible: () => can('security.read') },
  { section: 'incidents', href: '/console/incidents', label: 'nav.incidents', icon: 'incidents', visible: () => can('incidents.read') },
  { section: 'audit', href: '/console/audit', label: 'nav.audit', icon: 'audit', visible: () => can('audit.read') },
  { section: 'staff', href: '/console/staff', label: 'nav.staff', icon: 'staff', visible: () => can('staff.read') },
  { section: 'keys', href: '/console/api-keys', label: 'nav.keys', icon: 'keys', visible: () => can('api_keys.manage') },
  { section: 'review', href: '/console/access-review', label: 'nav.review', icon: 'review', visible: () => can('access.review') },
];

export const visibleNav = (): NavItem[] => NAV.filter((item) => item.visible());

/** Whether the signed-in role may open a section's pages ("My account" is everyone's). */
export const mayOpen = (section: Section): boolean => section === 'account' || NAV.some((item) => item.section === section && item.visible());

/** Where `/console` leads: the first section the role may use (the door role: the scanner). */
export const homeHref = (): string => visibleNav()[0]?.href ?? '/console/account';
