import { useState } from 'preact/hooks';
import { formatDateTime } from '../format';
import { useSave } from '../hooks';
import { t } from '../i18n';
import { can } from '../session';
import { ErrorNotice, Section } from '../ui';
import { type Incident, SEVERITIES, type Severity, type Status, severityLabel, updateIncident } from './incidents-api';
import type { StaffNames } from './staff-names';

/** The moves from each status: contain, resolve, or reopen. */
const MOVES: Record<Status, { to: Status; tone: string }[]> = {
  open: [
    { to: 'contained', tone: 'btn-warning' },
    { to: 'resolved', tone: 'btn-secondary' },
  ],
  contained: [
    { to: 'resolved', tone: 'btn-success' },
    { to: 'open', tone: 'btn-secondary' },
  ],
  resolved: [{ to: 'open', tone: 'btn-secondary' }],
};
/** The button that moves an incident to `to`: "Mark contained", "Mark resolved", "Reopen". */
const moveLabel = (to: Status) => t(`incidents.move.${to}`);

/** The status buttons for the page header; `save` is the page's, which shows its error under the header. */
export function StatusButtons(props: { incident: Incident; save: ReturnType<typeof useSave>; onChange: (incident: Incident) => void }) {
  const { save } = props;
  const [target, setTarget] = useState<Status | null>(null);
  if (!can('incidents.manage')) return null;
  const move = (to: Status) => {
    setTarget(to);
    void save.run(async () => props.onChange(await updateIncident(props.incident.id, { status: to })));
  };
  return (
    <>
      {MOVES[props.incident.status].map((m) => (
        <button key={m.to} type="button" class={`btn btn-sm ${m.tone}`} disabled={save.busy} data-testid={`incident-set-${m.to}`} onClick={() => move(m.to)}>
          {save.busy && target === m.to ? t('incidents.saving') : moveLabel(m.to)}
        </button>
      ))}
    </>
  );
}

/** Severity and owner, changed in place; when it was contained and resolved. */
export function Handling(props: { incident: Incident; names: StaffNames; onChange: (incident: Incident) => void }) {
  const i = props.incident;
  const manage = can('incidents.manage');
  const [owner, setOwner] = useState(i.owner ?? '');
  const save = useSave();
  const patch = (body: { severity?: Severity; owner?: string | null }) => save.run(async () => props.onChange(await updateIncident(i.id, body)));
  const submitOwner = (event: Event) => {
    event.preventDefault();
    void patch({ owner: owner.trim() || null });
  };
  return (
    <Section title={t('incidents.handling')} testid="incident-handling">
      <dl class="facts">
        <dt>{t('incidents.opened')}</dt>
        <dd>
          {formatDateTime(i.openedAt)}{' '}
          <span class="muted">
            {t('incidents.by')} <span data-user-content>{props.names.who(i.openedBy)}</span>
          </span>
        </dd>
        {i.containedAt && (
          <>
            <dt>{t('incidents.status.contained')}</dt>
            <dd>{formatDateTime(i.containedAt)}</dd>
          </>
        )}
        {i.resolvedAt && (
          <>
            <dt>{t('incidents.status.resolved')}</dt>
            <dd>{formatDateTime(i.resolvedAt)}</dd>
          </>
        )}
      </dl>
      {manage && (
        <div class="incident-handling-fields">
          <div class="field">
            <label for="incident-severity">{t('incidents.severity')}</label>
            <select
              id="incident-severity"
              data-testid="incident-severity-select"
              value={i.severity}
              disabled={save.busy}
              onChange={(e) => void patch({ severity: e.currentTarget.value as Severity })}
            >
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {severityLabel(s)}
                </option>
              ))}
            </select>
          </div>
          <form class="field" onSubmit={submitOwner}>
            <label for="incident-owner">{t('incidents.owner')}</label>
            <div class="incident-owner-row">
              <input
                id="incident-owner"
                list="incident-owner-choices"
                maxLength={200}
                autocomplete="off"
                placeholder={t('incidents.ownerPlaceholder')}
                data-testid="incident-owner"
                value={owner}
                onInput={(e) => setOwner(e.currentTarget.value)}
              />
              <button type="submit" class="btn btn-secondary" disabled={save.busy || owner.trim() === (i.owner ?? '')} data-testid="incident-owner-save">
                {t('incidents.save')}
              </button>
            </div>
            <datalist id="incident-owner-choices">
              {props.names.people.map((s) => (
                <option key={s.id} value={s.email}>
                  {s.name}
                </option>
              ))}
            </datalist>
          </form>
        </div>
      )}
      {!manage && (
        <p>
          {t('incidents.severity')}: {severityLabel(i.severity)} · {t('incidents.owner')}:{' '}
          {i.owner ? <span data-user-content>{i.owner}</span> : t('incidents.nobodyYet')}
        </p>
      )}
      <ErrorNotice error={save.error} title={t('incidents.notSaved')} />
    </Section>
  );
}
