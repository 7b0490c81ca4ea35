import { useState } from 'preact/hooks';
import { formatAgo, formatShortDateTime, formatTime } from '../format';
import { useNow } from '../hooks';
import { hasMessage, type MessageKey, t } from '../i18n';
import { describeWhat, detailName, incidentKindLabel, incidentStatusLabel } from './incident-words';
import type { Incident, IncidentEvent } from './shield-api';

/** The shield's own wording of a few steps (the flood's), else the incidents' one. */
const describe = (what: string) => (hasMessage(`shield.what.${what}`) ? t(`shield.what.${what}` as MessageKey) : describeWhat(what));

function duration(fromIso: string, to: number): string {
  const minutes = Math.round((to - new Date(fromIso).getTime()) / 60_000);
  return minutes < 1 ? t('shield.underAMinute') : minutes < 120 ? t('shield.minutes', { n: minutes }) : t('shield.hours', { n: Math.round(minutes / 60) });
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
                {detailName(key) ? <dt>{detailName(key)}</dt> : <dt data-user-content>{key}</dt>}
                <dd data-user-content>
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
              <span class={`badge badge-${resolved ? 'good' : 'bad'}`}>{incidentStatusLabel(incident.status)}</span>
              <div class="incident-title">
                <h3>
                  <a href={`/console/incidents/${incident.id}`} class="strong-link" data-testid="incident-page-link" data-user-content>
                    {incident.summary}
                  </a>
                </h3>
                <p class="muted small">
                  {incidentKindLabel(incident.kind)} ·{' '}
                  {t('shield.incidentOpened', { date: formatShortDateTime(incident.openedAt), ago: formatAgo(incident.openedAt, now) })} ·{' '}
                  {incident.resolvedAt
                    ? t('shield.resolvedAfter', { duration: duration(incident.openedAt, new Date(incident.resolvedAt).getTime()) })
                    : t('shield.openFor', { duration: duration(incident.openedAt, now) })}
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
                {expanded ? t('shield.hideTimeline') : t('shield.timeline', { count: incident.timeline.length })}
              </button>
            </div>
            <ol id={timelineId} class="timeline" hidden={!expanded} aria-label={t('shield.timelineOf', { summary: incident.summary })}>
              {expanded && incident.timeline.map((event, i) => <Step key={`${event.at}-${i}`} event={event} />)}
            </ol>
          </li>
        );
      })}
    </ul>
  );
}
