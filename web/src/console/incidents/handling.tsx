import { useState } from 'preact/hooks';
import { formatDateTime } from '../format';
import { useSave } from '../hooks';
import { can } from '../session';
import { ErrorNotice, Section } from '../ui';
import { capitalise, type Incident, SEVERITIES, type Severity, type Status, updateIncident } from './incidents-api';
import type { StaffNames } from './staff-names';

/** The moves from each status: contain, resolve, or reopen. */
const MOVES: Record<Status, { to: Status; label: string; tone: string }[]> = {
  open: [
    { to: 'contained', label: 'Mark contained', tone: 'btn-warning' },
    { to: 'resolved', label: 'Mark resolved', tone: 'btn-secondary' },
  ],
  contained: [
    { to: 'resolved', label: 'Mark resolved', tone: 'btn-success' },
    { to: 'open', label: 'Reopen', tone: 'btn-secondary' },
  ],
  resolved: [{ to: 'open', label: 'Reopen', tone: 'btn-secondary' }],
};

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
          {save.busy && target === m.to ? 'Saving…' : m.label}
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
    <Section title="Handling" testid="incident-handling">
      <dl class="facts">
        <dt>Opened</dt>
        <dd>
          {formatDateTime(i.openedAt)} <span class="muted">by {props.names.who(i.openedBy)}</span>
        </dd>
        {i.containedAt && (
          <>
            <dt>Contained</dt>
            <dd>{formatDateTime(i.containedAt)}</dd>
          </>
        )}
        {i.resolvedAt && (
          <>
            <dt>Resolved</dt>
            <dd>{formatDateTime(i.resolvedAt)}</dd>
          </>
        )}
      </dl>
      {manage && (
        <div class="incident-handling-fields">
          <div class="field">
            <label for="incident-severity">Severity</label>
            <select
              id="incident-severity"
              data-testid="incident-severity-select"
              value={i.severity}
              disabled={save.busy}
              onChange={(e) => void patch({ severity: e.currentTarget.value as Severity })}
            >
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {capitalise(s)}
                </option>
              ))}
            </select>
          </div>
          <form class="field" onSubmit={submitOwner}>
            <label for="incident-owner">Owner</label>
            <div class="incident-owner-row">
              <input
                id="incident-owner"
                list="incident-owner-choices"
                maxLength={200}
                autocomplete="off"
                placeholder="Who leads the response"
                data-testid="incident-owner"
                value={owner}
                onInput={(e) => setOwner(e.currentTarget.value)}
              />
              <button type="submit" class="btn btn-secondary" disabled={save.busy || owner.trim() === (i.owner ?? '')} data-testid="incident-owner-save">
                Save
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
          Severity {i.severity} · owner {i.owner ?? 'nobody yet'}
        </p>
      )}
      <ErrorNotice error={save.error} title="Not saved" />
    </Section>
  );
}
