import { formatAgo, formatShortDateTime, formatTime } from '../format';
import { useNow } from '../hooks';
import { t, tp } from '../i18n';
import { describeWhat, detailName, pageClassLabel } from '../shield/incident-words';
import type { Incident, IncidentEvent } from '../shield/shield-api';
import { ErrorNotice, Loading, Notice } from '../ui';

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
      <strong>{describeWhat(what)}</strong>
      {picked.length > 0 && (
        <span class="integrity-step-details">
          {picked.map(([k, v]) => (
            <span key={k}>
              {detailName(k) ?? <span data-user-content>{k}</span>}:{' '}
              {k === 'pageClass' ? (
                <span class="mono">{pageClassLabel(String(v))}</span>
              ) : (
                <span class="mono" data-user-content>
                  {String(v)}
                </span>
              )}
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
  if (error && !incidents) return <ErrorNotice error={error} title={t('integrity.incidentsFailed')} testid="integrity-incidents-error" />;
  if (!incidents) return <Loading label={t('shield.loadingIncidents')} />;
  const open = incidents.filter((i) => i.status !== 'resolved');
  const last = incidents.find((i) => i.status === 'resolved');
  return (
    <div class="stack" data-testid="integrity-incidents" data-open={open.length}>
      {error !== null && error !== undefined && <ErrorNotice error={error} title={t('integrity.incidentsRefreshFailed')} />}
      {open.map((incident) => (
        <Notice
          key={incident.id}
          tone="error"
          title={
            <>
              {t('integrity.compromise')}: <span data-user-content>{incident.summary}</span>
            </>
          }
          testid="integrity-incident"
        >
          <p>
            {t('integrity.incidentOpened', { date: formatShortDateTime(incident.openedAt), ago: formatAgo(incident.openedAt, now) })} ·{' '}
            {tp('integrity.count.signs', incident.timeline.length)}
          </p>
          <ol class="integrity-steps" aria-label={t('integrity.latestSigns')}>
            {incident.timeline
              .slice(-3)
              .reverse()
              .map((event, i) => (
                <Step key={`${event.at}-${i}`} event={event} />
              ))}
          </ol>
          <p class="small">
            <a href={`/console/incidents/${incident.id}`} class="integrity-link" data-testid="integrity-incident-link">
              {t('integrity.openIncident')}
            </a>{' '}
            {t('integrity.openIncidentWhy')}
          </p>
        </Notice>
      ))}
      {open.length === 0 && (
        <Notice tone="success" title={t('integrity.noOpenIncident')} testid="integrity-no-incident">
          {last
            ? t('integrity.lastIncident', {
                opened: formatShortDateTime(last.openedAt),
                resolved: last.resolvedAt ? formatShortDateTime(last.resolvedAt) : '—',
              })
            : t('integrity.noIncidentYet')}
        </Notice>
      )}
    </div>
  );
}
