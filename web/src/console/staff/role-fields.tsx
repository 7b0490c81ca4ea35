import { loadEvents } from '../events/events-api';
import { formatShortDateTime } from '../format';
import { useResource } from '../hooks';
import { t } from '../i18n';
import { ROLES, type Role, roleHint, roleLabel } from '../permissions';
import { can } from '../session';
import { ErrorNotice, Field, Loading } from '../ui';
import type { RoleChoice } from './staff-api';

/**
 * A role and its limits: the events an event manager manages, the performances a door scans at
 * (none: any), the largest refund a box office account makes. Only an owner may grant `owner`.
 */
export function RoleFields(props: { value: RoleChoice; onChange: (next: RoleChoice) => void; mayGrantOwner: boolean; idPrefix: string }) {
  const { value, onChange } = props;
  const needsEvents = value.role === 'event_manager' || value.role === 'door';
  return (
    <>
      <Field label={t('staff.role')} hint={roleHint(value.role)}>
        {(id, describedBy) => (
          <select
            id={id}
            aria-describedby={describedBy}
            data-testid={`${props.idPrefix}-role`}
            value={value.role}
            onChange={(e) => onChange({ ...value, role: e.currentTarget.value as Role })}
          >
            {ROLES.filter((r) => r !== 'owner' || props.mayGrantOwner || value.role === 'owner').map((r) => (
              <option key={r} value={r}>
                {roleLabel(r)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {needsEvents && <EventChoices value={value} onChange={onChange} idPrefix={props.idPrefix} />}
      {value.role === 'box_office' && (
        <Field label={t('staff.refundLimit')} hint={t('staff.refundLimitHint')}>
          {(id, describedBy) => (
            <input
              id={id}
              type="number"
              min={0}
              step={1}
              class="field-short"
              aria-describedby={describedBy}
              data-testid={`${props.idPrefix}-refund-limit`}
              value={value.refundLimit ?? 0}
              onInput={(e) => onChange({ ...value, refundLimit: Math.max(0, Math.trunc(Number(e.currentTarget.value) || 0)) })}
            />
          )}
        </Field>
      )}
    </>
  );
}

function EventChoices(props: { value: RoleChoice; onChange: (next: RoleChoice) => void; idPrefix: string }) {
  const { value, onChange } = props;
  const events = useResource((signal) => (can('events.read') ? loadEvents(signal) : Promise.resolve([])), []);
  const door = value.role === 'door';
  const toggle = (list: string[], id: string, on: boolean) => (on ? [...new Set([...list, id])] : list.filter((x) => x !== id));
  return (
    <fieldset class="field choice-list" data-testid={`${props.idPrefix}-${door ? 'performances' : 'events'}`}>
      <legend>{door ? t('staff.performancesLegend') : t('staff.eventsLegend')}</legend>
      <ErrorNotice error={events.error} />
      {events.loading && !events.data && <Loading />}
      {events.data?.length === 0 && <p class="muted small">{t('staff.noEvents')}</p>}
      {events.data?.map((event) =>
        door ? (
          <div key={event.id} class="choice-group">
            <p class="small strong" data-user-content>
              {event.title}
            </p>
            {event.performances.map((p) => (
              <label key={p.id} class="toggle">
                <input
                  type="checkbox"
                  value={p.id}
                  checked={value.performanceIds.includes(p.id)}
                  onChange={(e) => onChange({ ...value, performanceIds: toggle(value.performanceIds, p.id, e.currentTarget.checked) })}
                />{' '}
                {formatShortDateTime(p.startsAt, p.timeZone)}
                {p.venueName && <span data-user-content> · {p.venueName}</span>}
              </label>
            ))}
          </div>
        ) : (
          <label key={event.id} class="toggle">
            <input
              type="checkbox"
              value={event.id}
              checked={value.eventIds.includes(event.id)}
              onChange={(e) => onChange({ ...value, eventIds: toggle(value.eventIds, event.id, e.currentTarget.checked) })}
            />{' '}
            <span data-user-content>{event.title}</span>
          </label>
        ),
      )}
    </fieldset>
  );
}
