import { useState } from 'preact/hooks';
import { formatAgo, formatShortDateTime, formatTime } from '../format';
import { useNow } from '../hooks';
import type { Incident, IncidentEvent } from './shield-api';

/** What the server writes in a timeline (src/shield), in words; anything newer is shown as it comes. */
const WHAT: Record<string, string> = {
  detected: 'Attack detected',
  detected_by_another_process: 'Detected by another process too',
  shield_on: 'Shield mode switched on automatically',
  operator_set_mode: 'Operator changed the shield mode',
  back_to_normal: 'Traffic back to normal',
};
const describe = (what: string) => WHAT[what] ?? what.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

function duration(fromIso: string, to: number): string {
  const minutes = Math.round((to - new Date(fromIso).getTime()) / 60_000);
  return minutes < 1 ? 'under a minute' : minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

/** A detail's value: plain values as they are, objects (a traffic snapshot) as compact JSON. */
function Value(props: { value: unknown }) {
  const v = props.value;
  if (v !== null && typeof v === 'object') return <code class="incident-json">{JSON.stringify(v)}</code>;
  return <>{String(v)}</>;
}

function Step(props: { event: IncidentEvent }) {
  const { at, what, details } = props.event;
  const entries = Object.entries(details ?? {});
  return (
    <li class="timeline-step" data-testid="incident-step" data-what={what}>
      <time dateTime={at} class="timeline-time">
        {formatTime(at)}
      </time>
      <div class="timeline-body">
        <strong>{describe(what)}</strong>
        {entries.length > 0 && (
          <dl class="timeline-details">
            {entries.map(([key, value]) => (
              <div key={key}>
                <dt>{key}</dt>
                <dd>
                  <Value value={value} />
                </dd>
              </div>
            ))}
          </dl>
        )}
      </div>
    </li>
  );
}

/** Incidents, newest first; each opens to its timeline with a button (Enter or Space). */
export function IncidentList(props: { incidents: Incident[] }) {
  const [open, setOpen] = useState<Set<string>>(() => new Set());
  const now = useNow(30_000);
  const toggle = (id: string) =>
    setOpen((was) => {
      const next = new Set(was);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return (
    <ul class="incidents" data-testid="incidents">
      {props.incidents.map((incident) => {
        const expanded = open.has(incident.id);
        const timelineId = `incident-${incident.id}`;
        const resolved = incident.status === 'resolved';
        return (
          <li key={incident.id} class="incident" data-testid="incident" data-status={incident.status}>
            <div class="incident-head">
              <span class={`badge badge-${resolved ? 'good' : 'bad'}`}>{resolved ? 'Resolved' : incident.status === 'contained' ? 'Contained' : 'Open'}</span>
              <div class="incident-title">
                <h3>
                  <a href={`/console/incidents/${incident.id}`} class="strong-link" data-testid="incident-page-link">
                    {incident.summary}
                  </a>
                </h3>
                <p class="muted small">
                  {incident.kind.replace(/_/g, ' ')} · opened {formatShortDateTime(incident.openedAt)} ({formatAgo(incident.openedAt, now)})
                  {incident.resolvedAt
                    ? ` · resolved after ${duration(incident.openedAt, new Date(incident.resolvedAt).getTime())}`
                    : ` · open for ${duration(incident.openedAt, now)}`}
                </p>
              </div>
              <button
                type="button"
                class="btn btn-secondary btn-sm"
                aria-expanded={expanded}
                aria-controls={timelineId}
                data-testid="incident-toggle"
                onClick={() => toggle(incident.id)}
              >
                {expanded ? 'Hide timeline' : `Timeline (${incident.timeline.length})`}
              </button>
            </div>
            <ol id={timelineId} class="timeline" hidden={!expanded} aria-label={`Timeline of: ${incident.summary}`}>
              {expanded && incident.timeline.map((event, i) => <Step key={`${event.at}-${i}`} event={event} />)}
            </ol>
          </li>
        );
      })}
    </ul>
  );
}
