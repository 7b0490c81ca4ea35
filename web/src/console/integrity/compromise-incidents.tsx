import { formatAgo, formatShortDateTime, formatTime, plural } from '../format';
import { useNow } from '../hooks';
import type { Incident, IncidentEvent } from '../shield/shield-api';
import { ErrorNotice, Loading, Notice } from '../ui';

/** What src/security writes in a script_compromise timeline, in words; anything newer as it comes. */
const WHAT: Record<string, string> = {
  detected: 'Detected',
  csp_violation: 'Code blocked on a guarded page (CSP)',
  tamper_check: 'Tamper check found a difference',
};
const describe = (what: string) => WHAT[what] ?? what.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** The details that say where and what, first; at most four, so a step stays one or two lines. */
const KEYS = ['pageClass', 'document', 'page', 'url', 'directive', 'blocked', 'kind', 'sample', 'findings', 'buildId'];

function Step(props: { event: IncidentEvent }) {
  const { at, what, details } = props.event;
  // A list (a tamper check's findings) by its length; other objects stay on the Shield page's timeline.
  const entries = Object.entries(details ?? {}).map(([k, v]): [string, unknown] => [k, Array.isArray(v) ? v.length : v]);
  const picked = [...entries.filter(([k]) => KEYS.includes(k)), ...entries.filter(([k]) => !KEYS.includes(k))]
    .filter(([, v]) => v !== null && v !== '' && typeof v !== 'object')
    .slice(0, 4);
  return (
    <li data-testid="integrity-incident-step" data-what={what}>
      <time dateTime={at} class="integrity-step-time">
        {formatTime(at)}
      </time>{' '}
      <strong>{describe(what)}</strong>
      {picked.length > 0 && (
        <span class="integrity-step-details">
          {picked.map(([k, v]) => (
            <span key={k}>
              {k}: <span class="mono">{String(v)}</span>
            </span>
          ))}
        </span>
      )}
    </li>
  );
}

/**
 * Open `script_compromise` incidents as a red banner on top (code not ours tried to run on a
 * payment or account page, or those pages no longer match the build), with the last signs.
 */
export function CompromiseIncidents(props: { incidents: Incident[] | null; error: unknown }) {
  const now = useNow(30_000);
  const { incidents, error } = props;
  if (error && !incidents) return <ErrorNotice error={error} title="Script-compromise incidents could not be loaded" testid="integrity-incidents-error" />;
  if (!incidents) return <Loading label="Loading incidents…" />;
  const open = incidents.filter((i) => i.status !== 'resolved');
  const last = incidents.find((i) => i.status === 'resolved');
  return (
    <div class="stack" data-testid="integrity-incidents" data-open={open.length}>
      {error !== null && error !== undefined && <ErrorNotice error={error} title="The incidents could not refresh; retrying" />}
      {open.map((incident) => (
        <Notice key={incident.id} tone="error" title={`Script compromise: ${incident.summary}`} testid="integrity-incident">
          <p>
            Opened {formatShortDateTime(incident.openedAt)} ({formatAgo(incident.openedAt, now)}) · {plural(incident.timeline.length, 'sign')}
          </p>
          <ol class="integrity-steps" aria-label="Latest signs, newest first">
            {incident.timeline
              .slice(-3)
              .reverse()
              .map((event, i) => (
                <Step key={`${event.at}-${i}`} event={event} />
              ))}
          </ol>
          <p class="small">
            <a href={`/console/incidents/${incident.id}`} data-testid="integrity-incident-link">
              Open the incident
            </a>{' '}
            for its whole timeline, to scope who was affected and to tell them. Switch off any widget you do not trust below, and run a tamper check.
          </p>
        </Notice>
      ))}
      {open.length === 0 && (
        <Notice tone="success" title="No open script-compromise incident" testid="integrity-no-incident">
          {last
            ? `The last one was opened ${formatShortDateTime(last.openedAt)} and resolved ${last.resolvedAt ? formatShortDateTime(last.resolvedAt) : ''}.`
            : 'None so far. One opens when code is blocked on a payment or account page, or a tamper check finds a difference.'}
        </Notice>
      )}
    </div>
  );
}
