import { useRef, useState } from 'preact/hooks';
import { formatAgo, formatCount, formatDateTime } from '../format';
import { useNow, usePolling } from '../hooks';
import { LiveIndicator } from '../performances/sales-dashboard';
import { Empty, ErrorNotice, Loading, Notice, PageHeader, Section, Stat } from '../ui';
import { IncidentList } from './incident-list';
import { formatRate, loadIncidents, loadShield, setShieldMode, settingOf, type Incident, type ShieldSetting, type ShieldView } from './shield-api';
import { can } from '../session';

/** Under attack, two seconds is as stale as an operator can act on. */
const POLL_MS = 2000;

const SETTINGS: { value: ShieldSetting; label: string; explain: string }[] = [
  { value: 'on', label: 'Force on', explain: 'Every queue join needs a proof of work, whatever the traffic.' },
  { value: 'off', label: 'Force off', explain: 'No proof of work, even when an attack is detected. Rate limits and load shedding keep working.' },
  { value: 'auto', label: 'Automatic', explain: 'Attack detection switches shield mode on during a flood and off once traffic is calm again.' },
];

/** The server's refusal reasons (src/shield/shield.ts), in words. */
const REASONS: Record<string, string> = {
  rate_limited: 'Rate limited (too many requests from one network)',
  blocked: 'Blocked address (kept on being refused)',
  overloaded: 'Shed under load (503)',
  challenge_required: 'Queue join without a valid proof of work',
};
const reasonLabel = (reason: string) => REASONS[reason] ?? reason.replace(/_/g, ' ');

const pressureTone = (p: number) => (p >= 1 ? 'bad' : p >= 0.75 ? 'warn' : 'good');

function ModeCard(props: {
  view: ShieldView;
  onSet: (setting: ShieldSetting) => Promise<void>;
  busy: ShieldSetting | null;
  error: unknown;
  onDismiss: () => void;
}) {
  const v = props.view;
  const now = useNow(1000);
  const setting = settingOf(v);
  const on = v.mode === 'on';
  return (
    <Section title="Shield mode" testid="shield-mode-card">
      {/* Polite live region: read out when the mode changes, not on every poll. */}
      <div class="shield-mode-row" aria-live="polite">
        <p class={`shield-mode shield-mode-${v.mode}`} data-testid="shield-mode" data-mode={v.mode} data-forced={String(v.forced)}>
          <span class="shield-mode-dot" aria-hidden="true" />
          {on ? 'On' : 'Off'}
        </p>
        <p class="shield-mode-how">
          <strong>{v.forced ? `Forced ${v.mode} by an operator` : 'Automatic'}</strong>
          <span class="muted">{on ? 'Queue joins need a proof of work.' : 'Queue joins need no proof of work.'}</span>
        </p>
      </div>
      <dl class="facts">
        <dt>Since</dt>
        <dd data-testid="shield-since">
          {v.since ? (
            <>
              {formatDateTime(v.since)} <span class="muted">({formatAgo(v.since, now)})</span>
            </>
          ) : (
            '—'
          )}
        </dd>
        <dt>Reason</dt>
        <dd data-testid="shield-reason">{v.reason ?? (on ? '—' : 'No attack detected')}</dd>
        <dt>Proof of work</dt>
        <dd data-testid="shield-difficulty">
          {v.difficulty} bits <span class="muted">· about {formatCount(2 ** v.difficulty)} hashes per join, a few seconds on a phone</span>
        </dd>
      </dl>
      {can('shield.manage') && (
        <div class="shield-settings" role="group" aria-label="Set shield mode">
          {SETTINGS.map((s) => (
            <button
              key={s.value}
              type="button"
              class={`btn btn-sm ${setting === s.value ? 'btn-primary' : 'btn-secondary'}`}
              aria-pressed={setting === s.value}
              disabled={props.busy !== null}
              data-testid={`shield-set-${s.value}`}
              data-current={setting === s.value ? 'true' : undefined}
              onClick={() => props.onSet(s.value)}
            >
              {props.busy === s.value ? 'Working…' : s.label}
            </button>
          ))}
        </div>
      )}
      <p class="muted small shield-explain">{SETTINGS.find((s) => s.value === setting)?.explain}</p>
      {props.error !== null && <ErrorNotice error={props.error} title="The shield mode was not changed" testid="shield-error" onClose={props.onDismiss} />}
    </Section>
  );
}

function Traffic(props: { view: ShieldView }) {
  const v = props.view;
  const refused = Object.entries(v.refusedPerSecond)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const refusedTotal = refused.reduce((sum, [, n]) => sum + n, 0);
  return (
    <>
      <div class="card">
        <div class="stats">
          <Stat
            label="Requests/s"
            value={formatRate(v.requestsPerSecond)}
            testid="shield-rps"
            detail={v.baselinePerSecond === undefined ? 'in the last second' : `usual: ${formatRate(v.baselinePerSecond)}/s`}
          />
          <Stat
            label="Refused/s"
            value={formatRate(refusedTotal)}
            testid="shield-refused"
            tone={refusedTotal > 0 ? 'warn' : undefined}
            detail={v.requestsPerSecond > 0 ? `${Math.round((refusedTotal / v.requestsPerSecond) * 100)}% of requests` : 'nothing refused'}
          />
          <Stat
            label="Pressure"
            value={v.pressure.toFixed(2)}
            testid="shield-pressure"
            tone={pressureTone(v.pressure)}
            detail="1.00 = at capacity; above it the least urgent requests are refused first"
          />
          <Stat
            label="Errors/s"
            value={v.errorsPerSecond === undefined ? '—' : formatRate(v.errorsPerSecond)}
            testid="shield-errors"
            detail={v.blockedAddresses === undefined ? 'server errors' : `${formatCount(v.blockedAddresses)} addresses blocked now`}
          />
        </div>
      </div>
      <div class="grid-2">
        <Section title="Refusals by reason" class="card-flush-body" testid="shield-refusals">
          {refused.length === 0 ? (
            <p class="card-note muted">Nothing refused in the last second.</p>
          ) : (
            <table class="table table-compact">
              <thead>
                <tr>
                  <th scope="col">Reason</th>
                  <th scope="col" class="num">
                    Per second
                  </th>
                </tr>
              </thead>
              <tbody>
                {refused.map(([reason, n]) => (
                  <tr key={reason} data-testid="shield-refusal" data-reason={reason}>
                    <td>{reasonLabel(reason)}</td>
                    <td class="num">{formatRate(n)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
        <Section title="Busiest networks" class="card-flush-body" testid="shield-prefixes">
          {v.topPrefixes.length === 0 ? (
            <p class="card-note muted">No traffic in the last second.</p>
          ) : (
            <table class="table table-compact">
              <thead>
                <tr>
                  <th scope="col">Network</th>
                  <th scope="col" class="num">
                    Requests/s
                  </th>
                  <th scope="col" class="num">
                    Share
                  </th>
                </tr>
              </thead>
              <tbody>
                {v.topPrefixes.map((p) => (
                  <tr key={p.prefix} data-testid="shield-prefix">
                    <td>
                      <code>{p.prefix}</code>
                    </td>
                    <td class="num">{formatRate(p.requestsPerSecond)}</td>
                    <td class="num">{v.requestsPerSecond > 0 ? `${Math.round((p.requestsPerSecond / v.requestsPerSecond) * 100)}%` : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
      </div>
    </>
  );
}

export function ShieldPage() {
  const [view, setView] = useState<ShieldView | null>(null);
  const [incidents, setIncidents] = useState<Incident[] | null>(null);
  const [pollError, setPollError] = useState<unknown>(null);
  const [incidentsError, setIncidentsError] = useState<unknown>(null);
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  const [busy, setBusy] = useState<ShieldSetting | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  // A poll sent before the operator's change must not put the old mode back on screen.
  const changedAt = useRef(0);

  const refresh = usePolling(
    async (signal) => {
      const sentAt = performance.now();
      // Apart, so a slow incident list never hides the live figures.
      const [shield, list] = await Promise.allSettled([loadShield(signal), can('incidents.read') ? loadIncidents(signal) : Promise.resolve([])]);
      // Stale when sent before a change: the poll that refresh() starts after the change follows at once.
      if (signal.aborted || sentAt < changedAt.current) return;
      if (shield.status === 'fulfilled') {
        setView(shield.value);
        setUpdatedAt(Date.now());
        setPollError(null);
      } else setPollError(shield.reason);
      if (list.status === 'fulfilled') {
        setIncidents(list.value);
        setIncidentsError(null);
      } else setIncidentsError(list.reason);
    },
    POLL_MS,
    [],
  );

  const set = async (setting: ShieldSetting) => {
    setBusy(setting);
    setActionError(null);
    try {
      changedAt.current = performance.now();
      setView(await setShieldMode(setting));
      setUpdatedAt(Date.now());
      refresh(); // the change adds to an open incident's timeline
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <PageHeader
        title="Shield"
        subtitle="Rate limits, proof of work at the queue and load shedding: what keeps abusive traffic cheap to refuse."
        actions={<LiveIndicator updatedAt={updatedAt} failing={pollError !== null} />}
      />
      <div class="stack">
        {pollError !== null && (
          <ErrorNotice
            error={pollError}
            title={view ? 'The shield could not refresh; retrying every 2 s' : 'The shield could not be loaded; retrying every 2 s'}
            testid="shield-poll-error"
          />
        )}
        {!view && pollError === null && <Loading label="Loading the shield…" />}
        {view?.enabled === false && (
          <Notice tone="warning" title="The shield is switched off on this server" testid="shield-disabled">
            <code>SHIELD_ENABLED=false</code>: no limit, proof of work or shedding applies, whatever the mode says.
          </Notice>
        )}
        {view && <ModeCard view={view} onSet={set} busy={busy} error={actionError} onDismiss={() => setActionError(null)} />}
        {view && <Traffic view={view} />}
        {can('incidents.read') && (
          <Section title="Incidents" testid="shield-incidents">
            {incidentsError !== null && (
              <ErrorNotice error={incidentsError} title="The incidents could not be loaded; retrying every 2 s" testid="incidents-error" />
            )}
            {!incidents && incidentsError === null && <Loading label="Loading incidents…" />}
            {incidents?.length === 0 && <Empty title="No incidents yet">Attacks the shield detects are recorded here with their timeline.</Empty>}
            {incidents && incidents.length > 0 && <IncidentList incidents={incidents} />}
          </Section>
        )}
      </div>
    </>
  );
}
