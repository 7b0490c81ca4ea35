import { useState } from 'preact/hooks';
import { navigate } from '../../shared/router';
import { formatShortDateTime } from '../format';
import { useNow, useResource } from '../hooks';
import { t } from '../i18n';
import { Icon } from '../icons';
import { can } from '../session';
import { Empty, ErrorNotice, Loading, PageHeader, Section } from '../ui';
import { SeverityBadge, StatusBadge } from './badges';
import { clockState, formatLeft } from './clock';
import { categoryLabel, type Incident, loadIncidents } from './incidents-api';
import { OpenIncidentForm } from './open-incident-form';

/** While an incident is not resolved, the time left to tell the regulator, under its status. */
function ClockHint(props: { incident: Incident; now: number }) {
  if (props.incident.status === 'resolved') return null;
  const clock = clockState(props.incident.regulatorDeadline, props.now);
  return (
    <span class={`small incident-clock-hint ${clock.overdue || clock.urgent ? 'incident-clock-hint-urgent' : 'muted'}`}>
      {clock.overdue ? t('incidents.regulatorOverdue') : t('incidents.regulatorLeft', { left: formatLeft(clock.left, false) })}
    </span>
  );
}

function Row(props: { incident: Incident; now: number }) {
  const i = props.incident;
  return (
    <tr data-testid="incident-row" data-status={i.status} data-id={i.id}>
      <td class="incident-cell-title">
        <a href={`/console/incidents/${i.id}`} class="strong-link" data-testid="incident-link" data-user-content>
          {i.title || i.summary}
        </a>
        <div class="muted small incident-cell-kind">{categoryLabel(i.category)}</div>
      </td>
      <td class="incident-cell-category">{categoryLabel(i.category)}</td>
      <td>
        <StatusBadge status={i.status} />
        <ClockHint incident={i} now={props.now} />
      </td>
      <td>
        <SeverityBadge severity={i.severity} />
      </td>
      <td class="nowrap small">
        <span class="incident-cell-label">{t('incidents.opened')} </span>
        {formatShortDateTime(i.openedAt)}
      </td>
      <td class="break small">
        <span class="incident-cell-label">{t('incidents.owner')}: </span>
        {i.owner ? <span data-user-content>{i.owner}</span> : <span class="muted">{t('incidents.nobodyYet')}</span>}
      </td>
    </tr>
  );
}

/** Every incident, of every kind, newest first; an operator opens one by hand here. */
export function IncidentsPage() {
  const incidents = useResource((signal) => loadIncidents(signal), []);
  const [opening, setOpening] = useState(false);
  const now = useNow(30_000);
  const list = incidents.data ?? [];
  return (
    <>
      <PageHeader
        title={t('incidents.title')}
        subtitle={t('incidents.subtitle')}
        actions={
          can('incidents.manage') &&
          !opening && (
            <button type="button" class="btn btn-primary" data-testid="incident-open-button" onClick={() => setOpening(true)}>
              <Icon name="plus" /> {t('incidents.openOne')}
            </button>
          )
        }
      />
      <div class="stack">
        {opening && <OpenIncidentForm onCancel={() => setOpening(false)} onOpened={(created) => navigate(`/console/incidents/${created.id}`)} />}
        <Section
          title={t('incidents.all')}
          class="card-flush-body"
          testid="incidents-list"
          actions={
            <button type="button" class="btn btn-secondary btn-sm" disabled={incidents.loading} onClick={incidents.reload}>
              {t('incidents.refresh')}
            </button>
          }
        >
          <div class="incident-pad">
            <ErrorNotice error={incidents.error} title={t('incidents.listFailed')} />
            {!incidents.data && incidents.loading && <Loading />}
          </div>
          {incidents.data && list.length === 0 && (
            <div class="incident-pad">
              <Empty title={t('shield.noIncidents')}>
                <p class="small muted">{t('incidents.noneHint')}</p>
              </Empty>
            </div>
          )}
          {list.length > 0 && (
            <table class="table table-hover incident-table">
              <thead>
                <tr>
                  <th scope="col">{t('incidents.incident')}</th>
                  <th scope="col" class="incident-cell-category">
                    {t('incidents.kind')}
                  </th>
                  <th scope="col">{t('incidents.status')}</th>
                  <th scope="col">{t('incidents.severity')}</th>
                  <th scope="col">{t('incidents.opened')}</th>
                  <th scope="col">{t('incidents.owner')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((i) => (
                  <Row key={i.id} incident={i} now={now} />
                ))}
              </tbody>
            </table>
          )}
        </Section>
      </div>
    </>
  );
}
