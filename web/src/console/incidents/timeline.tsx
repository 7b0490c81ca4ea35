import { useState } from 'preact/hooks';
import { formatShortDateTime } from '../format';
import { useSave } from '../hooks';
import { t, tp } from '../i18n';
import { can } from '../session';
import { describeWhat, detailName, incidentStatusLabel, pageClassLabel } from '../shield/incident-words';
import { ErrorNotice, Section } from '../ui';
import { addNote, type Incident, type IncidentEvent, SEVERITIES, type Severity, severityLabel } from './incidents-api';

/** Details shown elsewhere in the step (the author, a note's text) or too bulky for a line. */
const HIDDEN = new Set(['by', 'actor', 'text', 'title', 'pid', 'criteria']);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A value in a line: a change as "from → to", a list by its length, other objects as compact JSON. */
function compact(value: unknown, word: (code: string) => string = String): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value))
    return value.every((v) => typeof v !== 'object') && value.length <= 3 ? value.join(', ') : tp('incidents.count.items', value.length);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('from' in v && 'to' in v) return `${compact(v.from, word)} → ${compact(v.to, word)}`;
    const json = JSON.stringify(value);
    return json.length > 120 ? `${json.slice(0, 117)}…` : json;
  }
  // An id reads as its first eight characters, as the scopes list shows it.
  if (typeof value === 'string' && UUID.test(value)) return value.slice(0, 8);
  return typeof value === 'string' ? word(value) : String(value);
}

/** The details whose values are codes the console has words for: an incident's changed status or severity, a page class. */
const CODED: Record<string, (code: string) => string> = {
  status: incidentStatusLabel,
  severity: (code) => (SEVERITIES.includes(code as Severity) ? severityLabel(code as Severity) : code),
  pageClass: pageClassLabel,
};

/** A detail's name in words where the console knows it, anything else (a detector's own details) as the server names it. */
function DetailName(props: { name: string }) {
  const name = detailName(props.name);
  if (name) return <span class="muted">{name}</span>;
  return (
    <span class="muted" data-user-content>
      {props.name}
    </span>
  );
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
        {typeof by === 'string' && (
          <span class="muted small">
            {' '}
            · <span data-user-content>{props.who(by)}</span>
          </span>
        )}
        {typeof details.text === 'string' && (
          <p class="incident-note-text" data-user-content>
            {details.text}
          </p>
        )}
        {entries.length > 0 && (
          <p class="incident-event-details small">
            {entries.map(([k, v]) => (
              <span key={k}>
                <DetailName name={k} />{' '}
                {CODED[k] ? (
                  <span class="mono">{compact(v, CODED[k])}</span>
                ) : (
                  <span class="mono" data-user-content>
                    {compact(v)}
                  </span>
                )}
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
        {t('incidents.addNoteLabel')}
      </label>
      <textarea
        id="incident-note"
        rows={2}
        maxLength={4000}
        placeholder={t('incidents.notePlaceholder')}
        data-testid="incident-note"
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      <ErrorNotice error={save.error} title={t('incidents.noteFailed')} />
      <div class="form-actions">
        <button type="submit" class="btn btn-secondary btn-sm" disabled={save.busy || !text.trim()} data-testid="incident-note-add">
          {save.busy ? t('incidents.adding') : t('incidents.addNote')}
        </button>
      </div>
    </form>
  );
}

/** Everything that happened, oldest first: the system's own events and operators' notes. */
export function Timeline(props: { incident: Incident; who: (actor: string) => string; onChange: (incident: Incident) => void }) {
  const i = props.incident;
  return (
    <Section title={t('incidents.timeline', { count: i.timeline.length })} testid="incident-timeline">
      <ol class="timeline incident-timeline" aria-label={t('incidents.timelineOldestFirst')}>
        {i.timeline.map((event, n) => (
          <Step key={`${event.at}-${n}`} event={event} who={props.who} />
        ))}
      </ol>
      {can('incidents.manage') && <NoteForm incidentId={i.id} onAdded={props.onChange} />}
    </Section>
  );
}
