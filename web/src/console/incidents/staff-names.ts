import { useResource } from '../hooks';
import { t } from '../i18n';
import { can } from '../session';
import { listStaff, type StaffMember } from '../staff/staff-api';

export interface StaffNames {
  /** `staff:<id>` (an actor in a timeline) as a name; anything else as it is. */
  who: (actor: string) => string;
  /** Active colleagues, for the owner field's suggestions. */
  people: StaffMember[];
}

/** Names for the actors and owners on an incident, where the role may read the staff list. */
export function useStaffNames(): StaffNames {
  const staff = useResource(async (signal) => (can('staff.read') ? listStaff(signal) : []), []);
  const list = staff.data ?? [];
  const byActor = new Map(list.map((s) => [`staff:${s.id}`, s.name || s.email]));
  return {
    who: (actor) => (actor === 'system' ? 'Taquilla' : actor === 'break_glass' ? t('incidents.breakGlass') : (byActor.get(actor) ?? actor)),
    people: list.filter((s) => s.status === 'active'),
  };
}
