import { useState } from 'preact/hooks';
import { formatShortDateTime } from '../format';
import { useSave } from '../hooks';
import { can } from '../session';
import { ErrorNotice, Section } from '../ui';
import { addNote, type Incident, type IncidentEvent } from './incidents-api';

/** What the system and operators write in a timeline (src/shield, src/security), in words; anything newer as it comes. */
const WHAT: Record<string, string> = {
  opened: 'Opened',
  note: 'Note',
  updated: 'Changed',
  status_open: 'Reopened',
  status_contained: 'Contained',
  status_resolved: 'Resolved',
  detected: 'Detected',
  detected_by_another_process: 'Detected by another process too',
  shield_on: 'Shield mode switched on',
  shield_off: 'Shield mode forced off',
  shield_auto: 'Shield mode back to automatic',
  operator_set_mode: 'Operator changed the shield mode',
  back_to_normal: 'Traffic back to normal',
  csp_violation: 'Code blocked on a guarded page (CSP)',
  tamper_check: 'Tamper check found a difference',
  tamper_check_failed: 'Tamper check found a difference',
  widget_disabled: 'Widget switched off',
  widget_enabled: 'Widget switched on again',
  sales_paused: 'Sales paused',
  sales_resumed: 'Sales resumed',
  purge_run: 'Staff access purged',
  dormant_access_disabled: 'Dormant staff access disabled',
  scope_defined: 'Scope counted',
  notifications_sent: 'Affected people notified',
  reset_forced: 'Password reset forced',
  customers_flagged: 'Customers flagged for monitoring',
  staff_revoked: 'Staff sessions and keys revoked',
};
export const describeWhat = (what: string) => WHAT[what] ?? what.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** Details shown elsewhere in the step (the author, a note's text) or too bulky for a line. */
const HIDDEN = new Set(['by', 'actor', 'text', 'title', 'pid', 'criteria']);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A value in a line: a change as "from → to", a list by its length, other objects as compact JSON. */
function compact(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.every((v) => typeof v !== 'object') && value.length <= 3 ? value.join(', ') : `${value.length} items`;
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('from' in v && 'to' in v) return `${compact(v.from)} → ${compact(v.to)}`;
    const json = JSON.stringify(value);
    return json.length > 120 ? `${json.slice(0, 117)}…` : json;
  }
  // An id reads as its first eight characters, as the scopes list shows it.
  return typeof value === 'string' && UUID.test(value) ? value.slice(0, 8) : String(value);
}

function Step(props: { event: IncidentEvent; who: (actor: string) => string }) {
  const { at, what, details } = props.event;
  const by = details.by ?? details.actor;
  const entries = Object.entries(details ?? {}).filter(([k]) => !HIDDEN.has(k));
  return (
    <li class="timeline-step" data-testid="incident-event" data-what={what}>
      <time dateTime={at} class="timeline-time">
        {formatShortDateTime(at)}
      </time>
      <div class="timeline-body">
        <strong>{describeWhat(what)}</strong>
        {typeof by === 'string' && <span class="muted small"> · {props.who(by)}</span>}
        {typeof details.text === 'string' && <p class="incident-note-text">{details.text}</p>}
        {entries.length > 0 && (
          <p class="incident-event-details small">
            {entries.map(([k, v]) => (
              <span key={k}>
                <span class="muted">{k}</span> <span class="mono">{compact(v)}</span>
              </span>
            ))}
          </p>
        )}
      </div>
    </li>
  );
}

function NoteForm(props: { incidentId: string; onAdded: (incident: Incident) => void }) {
  const [text, setText] = useState('');
  const save = useSave();
  const submit = (event: Event) => {
    event.preventDefault();
    void save.run(async () => {
      props.onAdded(await addNote(props.incidentId, text.trim()));
      setText('');
    });
  };
  return (
    <form class="incident-note-form" onSubmit={submit} data-testid="incident-note-form">
      <label for="incident-note" class="visually-hidden">
        Add a note
      </label>
      <textarea
        id="incident-note"
        rows={2}
        maxLength={4000}
        placeholder="Add a note: what you found, decided or did"
        data-testid="incident-note"
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      <ErrorNotice error={save.error} title="The note was not added" />
      <div class="form-actions">
        <button type="submit" class="btn btn-secondary btn-sm" disabled={save.busy || !text.trim()} data-testid="incident-note-add">
          {save.busy ? 'Adding…' : 'Add note'}
        </button>
      </div>
    </form>
  );
}

/** Everything that happened, oldest first: the system's own events and operators' notes. */
export function Timeline(props: { incident: Incident; who: (actor: string) => string; onChange: (incident: Incident) => void }) {
  const i = props.incident;
  return (
    <Section title={`Timeline (${i.timeline.length})`} testid="incident-timeline">
      <ol class="timeline incident-timeline" aria-label="Timeline, oldest first">
        {i.timeline.map((event, n) => (
          <Step key={`${event.at}-${n}`} event={event} who={props.who} />
        ))}
      </ol>
      {can('incidents.manage') && <NoteForm incidentId={i.id} onAdded={props.onChange} />}
    </Section>
  );
}
