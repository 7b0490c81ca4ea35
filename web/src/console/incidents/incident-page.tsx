import { useRef, useState } from 'preact/hooks';
import { ApiError } from '../../shared/api';
import { formatShortDateTime } from '../format';
import { usePolling, useSave } from '../hooks';
import { t } from '../i18n';
import { can } from '../session';
import { Empty, ErrorNotice, Loading, PageHeader } from '../ui';
import { SeverityBadge, StatusBadge } from './badges';
import { Handling, StatusButtons } from './handling';
import { categoryLabel, type Incident, loadIncident, type Scope } from './incidents-api';
import { RegulatorClock } from './regulator-clock';
import { ResponseSteps } from './response-steps';
import { ScopeBuilder } from './scope-builder';
import { ScopeList } from './scopes';
import { useStaffNames } from './staff-names';
import { Timeline } from './timeline';

/** The timeline fills itself (shield, tamper checks, steps); a quarter of a minute is fresh enough to read. */
const POLL_MS = 15_000;

/** The incident and its scopes, polled; an operator's change replaces it at once. */
function useIncident(id: string) {
  const [data, setData] = useState<{ incident: Incident; scopes: Scope[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  // A poll sent before the operator's change must not put the old state back on screen.
  const changedAt = useRef(0);
  const refresh = usePolling(
    async (signal) => {
      const sentAt = performance.now();
      try {
        const next = await loadIncident(id, signal);
        if (signal.aborted || sentAt < changedAt.current) return;
        setData(next);
        setError(null);
      } catch (e) {
        if (!signal.aborted) setError(e);
      }
    },
    POLL_MS,
    [id],
  );
  const replace = (incident: Incident) => {
    changedAt.current = performance.now();
    setData((d) => (d ? { ...d, incident } : d));
    refresh();
  };
  return { data, error, refresh, replace };
}

/**
 * One incident: its status, severity and owner, the regulator's 72-hour clock, the timeline with
 * notes, the scope builder and its scopes, and the response steps with their progress.
 */
export function IncidentPage(props: { id: string }) {
  const { data, error, refresh, replace } = useIncident(props.id);
  const names = useStaffNames();
  const statusSave = useSave();
  const back = { href: '/console/incidents', label: t('incidents.title') };

  if (!data) {
    const missing = error instanceof ApiError && error.status === 404 && error.code !== 'route_not_found';
    return (
      <>
        <PageHeader title={missing ? t('incidents.missingTitle') : t('incidents.incident')} back={back} />
        {missing ? (
          <Empty title={t('incidents.missing')} />
        ) : error ? (
          <ErrorNotice error={error} title={t('incidents.loadFailed')} />
        ) : (
          <Loading label={t('incidents.loadingOne')} />
        )}
      </>
    );
  }
  const { incident: i, scopes } = data;
  return (
    <>
      <PageHeader
        back={back}
        title={
          <span data-testid="incident-title" data-user-content>
            {i.title || i.summary}
          </span>
        }
        subtitle={
          <span class="incident-subtitle">
            <StatusBadge status={i.status} /> <SeverityBadge severity={i.severity} /> <span>{categoryLabel(i.category)}</span>
            <span class="muted">· {t('incidents.openedAt', { date: formatShortDateTime(i.openedAt) })}</span>
            <span class="muted" data-testid="incident-owner-shown">
              · {t('incidents.ownerIs')} {i.owner ? <span data-user-content>{i.owner}</span> : t('incidents.nobodyYet')}
            </span>
          </span>
        }
        actions={<StatusButtons incident={i} save={statusSave} onChange={replace} />}
      />
      <div class="stack" data-testid="incident-page" data-status={i.status} data-category={i.category}>
        <ErrorNotice error={statusSave.error} title={t('incidents.statusNotChanged')} />
        {error !== null && <ErrorNotice error={error} title={t('incidents.refreshFailed')} />}
        <div class="grid-2">
          <RegulatorClock incident={i} />
          <Handling key={`${i.owner}`} incident={i} names={names} onChange={replace} />
        </div>
        <div class="grid-2-1 incident-columns">
          <div class="stack">
            <ScopeList incidentId={i.id} scopes={scopes} who={names.who} />
            {can('incidents.manage') && <ScopeBuilder incidentId={i.id} onCounted={refresh} />}
            <ResponseSteps incident={i} scopes={scopes} who={names.who} onSettled={refresh} />
          </div>
          <Timeline incident={i} who={names.who} onChange={replace} />
        </div>
      </div>
    </>
  );
}
