import { useRef, useState } from 'preact/hooks';
import { formatAgo, formatCount, formatDateTime } from '../format';
import { useNow, usePolling } from '../hooks';
import { hasMessage, type MessageKey, t, tp } from '../i18n';
import { LiveIndicator } from '../performances/sales-dashboard';
import { Empty, ErrorNotice, Loading, Notice, PageHeader, Section, Stat } from '../ui';
import { IncidentList } from './incident-list';
import { formatRate, loadIncidents, loadShield, setShieldMode, settingOf, type Incident, type ShieldSetting, type ShieldView } from './shield-api';
import { can } from '../session';

/** Under attack, two seconds is as stale as an operator can act on. */
const POLL_MS = 2000;

const SETTINGS: ShieldSetting[] = ['on', 'off', 'auto'];
const settingLabel = (setting: ShieldSetting) => t(`shield.setting.${setting}`);
const settingExplain = (setting: ShieldSetting) => t(`shield.explain.${setting}`);

/** The server's refusal reasons (src/shield/shield.ts), in words; one the console does not know, as the server names it. */
function ReasonLabel(props: { reason: string }) {
  const key = `shield.refusal.${props.reason}`;
  return hasMessage(key) ? <span>{t(key as MessageKey)}</span> : <span data-user-content>{props.reason.replace(/_/g, ' ')}</span>;
}

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
    <Section title={t('shield.modeTitle')} testid="shield-mode-card">
      {/* Polite live region: read out when the mode changes, not on every poll. */}
      <div class="shield-mode-row" aria-live="polite">
        <p class={`shield-mode shield-mode-${v.mode}`} data-testid="shield-mode" data-mode={v.mode} data-forced={String(v.forced)}>
          <span class="shield-mode-dot" aria-hidden="true" />
          {on ? t('shield.on') : t('shield.off')}
        </p>
        <p class="shield-mode-how">
          <strong>{v.forced ? (on ? t('shield.forcedOn') : t('shield.forcedOff')) : t('shield.setting.auto')}</strong>
          <span class="muted">{on ? t('shield.powNeeded') : t('shield.powNotNeeded')}</span>
        </p>
      </div>
      <dl class="facts">
        <dt>{t('shield.since')}</dt>
        <dd data-testid="shield-since">
          {v.since ? (
            <>
              {formatDateTime(v.since)} <span class="muted">({formatAgo(v.since, now)})</span>
            </>
          ) : (
            '—'
          )}
        </dd>
        <dt>{t('shield.reason')}</dt>
        <dd data-testid="shield-reason">{v.reason ? <span data-user-content>{v.reason}</span> : on ? '—' : t('shield.noAttack')}</dd>
        <dt>{t('shield.proofOfWork')}</dt>
        <dd data-testid="shield-difficulty">
          {t('shield.bits', { bits: v.difficulty })} <span class="muted">· {t('shield.hashesPerJoin', { hashes: formatCount(2 ** v.difficulty) })}</span>
        </dd>
      </dl>
      {can('shield.manage') && (
        <div class="shield-settings" role="group" aria-label={t('shield.setMode')}>
          {SETTINGS.map((s) => (
            <button
              key={s}
              type="button"
              class={`btn btn-sm ${setting === s ? 'btn-primary' : 'btn-secondary'}`}
              aria-pressed={setting === s}
              disabled={props.busy !== null}
              data-testid={`shield-set-${s}`}
              data-current={setting === s ? 'true' : undefined}
              onClick={() => props.onSet(s)}
            >
              {props.busy === s ? t('ui.working') : settingLabel(s)}
            </button>
          ))}
        </div>
      )}
      <p class="muted small shield-explain">{settingExplain(setting)}</p>
      {props.error !== null && <ErrorNotice error={props.error} title={t('shield.notChanged')} testid="shield-error" onClose={props.onDismiss} />}
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
            label={t('shield.requestsPerSecond')}
            value={formatRate(v.requestsPerSecond)}
            testid="shield-rps"
            detail={v.baselinePerSecond === undefined ? t('shield.inLastSecond') : t('shield.usual', { rate: formatRate(v.baselinePerSecond) })}
          />
          <Stat
            label={t('shield.refusedPerSecond')}
            value={formatRate(refusedTotal)}
            testid="shield-refused"
            tone={refusedTotal > 0 ? 'warn' : undefined}
            detail={
              v.requestsPerSecond > 0
                ? t('shield.shareOfRequests', { pct: Math.round((refusedTotal / v.requestsPerSecond) * 100) })
                : t('shield.nothingRefused')
            }
          />
          <Stat
            label={t('shield.pressure')}
            value={v.pressure.toFixed(2)}
            testid="shield-pressure"
            tone={pressureTone(v.pressure)}
            detail={t('shield.pressureHint')}
          />
          <Stat
            label={t('shield.errorsPerSecond')}
            value={v.errorsPerSecond === undefined ? '—' : formatRate(v.errorsPerSecond)}
            testid="shield-errors"
            detail={v.blockedAddresses === undefined ? t('shield.serverErrors') : tp('shield.blockedNow', v.blockedAddresses)}
          />
        </div>
      </div>
      <div class="grid-2">
        <Section title={t('shield.refusalsTitle')} class="card-flush-body" testid="shield-refusals">
          {refused.length === 0 ? (
            <p class="card-note muted">{t('shield.noRefusals')}</p>
          ) : (
            <table class="table table-compact">
              <thead>
                <tr>
                  <th scope="col">{t('shield.reason')}</th>
                  <th scope="col" class="num">
                    {t('shield.perSecond')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {refused.map(([reason, n]) => (
                  <tr key={reason} data-testid="shield-refusal" data-reason={reason}>
                    <td>
                      <ReasonLabel reason={reason} />
                    </td>
                    <td class="num">{formatRate(n)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
        <Section title={t('shield.networksTitle')} class="card-flush-body" testid="shield-prefixes">
          {v.topPrefixes.length === 0 ? (
            <p class="card-note muted">{t('shield.noTraffic')}</p>
          ) : (
            <table class="table table-compact">
              <thead>
                <tr>
                  <th scope="col">{t('shield.network')}</th>
                  <th scope="col" class="num">
                    {t('shield.requestsPerSecond')}
                  </th>
                  <th scope="col" class="num">
                    {t('shield.share')}
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
      <PageHeader title={t('shield.title')} subtitle={t('shield.subtitle')} actions={<LiveIndicator updatedAt={updatedAt} failing={pollError !== null} />} />
      <div class="stack">
        {pollError !== null && <ErrorNotice error={pollError} title={view ? t('shield.refreshFailed') : t('shield.loadFailed')} testid="shield-poll-error" />}
        {!view && pollError === null && <Loading label={t('shield.loading')} />}
        {view?.enabled === false && (
          <Notice tone="warning" title={t('shield.disabledTitle')} testid="shield-disabled">
            <code data-user-content>SHIELD_ENABLED=false</code>: {t('shield.disabledText')}
          </Notice>
        )}
        {view && <ModeCard view={view} onSet={set} busy={busy} error={actionError} onDismiss={() => setActionError(null)} />}
        {view && <Traffic view={view} />}
        {can('incidents.read') && (
          <Section title={t('shield.incidentsTitle')} testid="shield-incidents">
            {incidentsError !== null && <ErrorNotice error={incidentsError} title={t('shield.incidentsFailed')} testid="incidents-error" />}
            {!incidents && incidentsError === null && <Loading label={t('shield.loadingIncidents')} />}
            {incidents?.length === 0 && <Empty title={t('shield.noIncidents')}>{t('shield.noIncidentsHint')}</Empty>}
            {incidents && incidents.length > 0 && <IncidentList incidents={incidents} />}
          </Section>
        )}
      </div>
    </>
  );
}
