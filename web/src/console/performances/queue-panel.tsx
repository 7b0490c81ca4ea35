import { useState } from 'preact/hooks';
import { ApiError } from '../../shared/api';
import { formatCount, formatDateTime } from '../format';
import { usePolling } from '../hooks';
import { adminApi, can as permitted } from '../session';
import type { PerformanceDetail } from '../types';
import { ConfirmButton, ErrorNotice, Loading, Notice, Section } from '../ui';
import { QueueSettings } from './queue-settings';

/** `GET /api/admin/performances/:id/queue` (src/waiting-room/queue.schemas.ts, RoomView). */
export type QueueState = 'pre_queue' | 'open' | 'paused' | 'closed' | 'sold_out';
export interface QueueBounds {
  maxInCheckout: number;
  maxAdmissionsPerMinute: number;
  graceSeconds: number;
  startLimitSeconds: number;
}
export interface QueueView {
  performanceId: string;
  enabled: boolean;
  /** null: the performance has no room (no on-sale time and never switched on). */
  state: QueueState | null;
  bounds: QueueBounds;
  joined: number;
  served: number;
  waiting: number;
  activeInCheckout: number;
  admissionsPerMinute: number;
  /** Share (0–1) of admitted fans who made a hold. */
  conversion: number;
  /** Skipped because they had stopped polling. */
  abandoned: number;
  admitted: number;
  lapsed: number;
  ticketsLeft: number | null;
  movedTo: string | null;
}
interface Moved {
  from: string;
  to: string;
  moved: number;
}

type Action = 'pause' | 'resume' | 'close';
const POLL_MS = 3000;

/** The server's transitions (operator.service.ts): each control only where it is allowed. */
const allowed: Record<Action, QueueState[]> = {
  pause: ['open'],
  resume: ['paused'],
  close: ['pre_queue', 'open', 'paused', 'sold_out'],
};
const stateInfo: Record<QueueState, { label: string; tone: string; explain: string }> = {
  pre_queue: { label: 'Pre-queue', tone: 'info', explain: 'Fans who arrive before the on-sale time join the draw; the line opens at the on-sale time.' },
  open: { label: 'Admitting', tone: 'good', explain: 'Fans are let into checkout within the bounds below.' },
  paused: { label: 'Paused', tone: 'warn', explain: 'Nobody is admitted; fans keep their places until you resume.' },
  sold_out: { label: 'Sold out', tone: 'info', explain: 'Nothing is left to sell; fans in line are told so.' },
  closed: { label: 'Closed', tone: 'neutral', explain: 'The line has ended.' },
};

const percent = (share: number) => {
  const n = share * 100;
  return `${n === 0 || n >= 10 ? Math.round(n) : n.toFixed(1)}%`;
};
const load = (used: number, bound: number) => (bound > 0 ? Math.min(100, (used / bound) * 100) : 0);

export function QueueStateBadge(props: { state: QueueState | null; enabled: boolean }) {
  const info = props.state ? stateInfo[props.state] : null;
  const label = !info ? 'No room' : props.enabled ? info.label : `${info.label} · switched off`;
  return (
    <span class={`badge badge-${info && props.enabled ? info.tone : 'neutral'}`} data-testid="queue-state" data-state={props.state ?? 'none'}>
      {label}
    </span>
  );
}

function Meter(props: { label: string; value: number; bound: number; unit?: string; testid: string; detail?: string }) {
  const pct = load(props.value, props.bound);
  const full = props.bound > 0 && props.value >= props.bound;
  return (
    <div class="queue-meter">
      <div class="queue-meter-head">
        <span class="stat-label">{props.label}</span>
        <span class="queue-meter-value">
          <strong data-testid={props.testid}>{formatCount(props.value)}</strong>
          <span class="muted">
            {' '}
            / {formatCount(props.bound)}
            {props.unit}
          </span>
        </span>
      </div>
      <div class="capacity-bar capacity-bar-thin" role="img" aria-label={`${formatCount(props.value)} of ${formatCount(props.bound)}${props.unit ?? ''}`}>
        <span class={full ? 'queue-bar-full' : 'queue-bar'} style={{ width: `${pct}%` }} />
      </div>
      {props.detail && <span class="stat-detail">{props.detail}</span>}
    </div>
  );
}

export function QueuePanel(props: { performanceId: string; performances: PerformanceDetail[]; next: PerformanceDetail | null; onMoved: () => void }) {
  const [view, setView] = useState<QueueView | null>(null);
  const [missing, setMissing] = useState(false);
  const [pollError, setPollError] = useState<unknown>(null);
  const [busy, setBusy] = useState<Action | 'enable' | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [moved, setMoved] = useState<Moved | null>(null);

  const refresh = usePolling(
    async (signal) => {
      try {
        const v = await adminApi<QueueView>(`/api/admin/performances/${props.performanceId}/queue`, { signal });
        if (signal.aborted) return;
        setView(v);
        setMissing(false);
        setPollError(null);
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof ApiError && e.status === 404 && e.code !== 'route_not_found') {
          setMissing(true);
          setPollError(null);
        } else setPollError(e);
      }
    },
    POLL_MS,
    [props.performanceId],
  );

  const act = async (action: Action) => {
    setBusy(action);
    setActionError(null);
    try {
      setView(await adminApi<QueueView>(`/api/admin/performances/${props.performanceId}/queue/${action}`, { method: 'POST' }));
    } catch (e) {
      setActionError(e);
      refresh();
    } finally {
      setBusy(null);
    }
  };

  const enable = async () => {
    setBusy('enable');
    setActionError(null);
    try {
      setView(await adminApi<QueueView>(`/api/admin/performances/${props.performanceId}/queue`, { method: 'PUT', body: { enabled: true } }));
      setMissing(false);
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(null);
    }
  };

  /** Throws so the confirmation dialog shows a refusal (409 no_next_performance, already_moved). */
  const moveToNext = async () => {
    const result = await adminApi<Moved>(`/api/admin/performances/${props.performanceId}/queue/move-to-next`, { method: 'POST' });
    setMoved(result);
    setActionError(null);
    refresh();
    props.onMoved();
  };

  const performanceLabel = (id: string) => {
    const p = props.performances.find((x) => x.id === id);
    return p ? `${formatDateTime(p.startsAt)} at ${p.venue.name}` : 'the next performance';
  };

  const noRoom = missing || (view !== null && view.state === null);
  const v = view;
  const state = v?.state ?? null;
  const manage = permitted('queue.manage');
  const can = (action: Action) => manage && state !== null && allowed[action].includes(state);
  const quick = (action: Action, label: string, tone: string) =>
    can(action) && (
      <button type="button" class={`btn btn-sm ${tone}`} disabled={busy !== null} data-testid={`queue-${action}`} onClick={() => act(action)}>
        {busy === action ? 'Working…' : label}
      </button>
    );

  return (
    <Section title="Waiting room" class="queue-panel" testid="queue-panel" actions={v && !noRoom && <QueueStateBadge state={state} enabled={v.enabled} />}>
      {pollError !== null && (
        <ErrorNotice
          error={pollError}
          title={view ? 'The waiting room could not refresh; retrying every 3 s' : 'The waiting room could not be loaded; retrying every 3 s'}
          testid="queue-poll-error"
        />
      )}
      {!view && !missing && pollError === null && <Loading label="Loading the waiting room…" />}
      {noRoom && (
        <div class="queue-none" data-testid="queue-none">
          <p class="muted">No waiting room for this performance (it has no on-sale time).</p>
          {manage && (
            <button type="button" class="btn btn-secondary btn-sm" disabled={busy !== null} data-testid="queue-enable" onClick={enable}>
              {busy === 'enable' ? 'Working…' : 'Enable waiting room'}
            </button>
          )}
        </div>
      )}
      {v && !noRoom && state && (
        <div class="queue-body">
          <p class="muted small queue-explain">{v.enabled ? stateInfo[state].explain : 'Switched off: buyers go straight to checkout without queueing.'}</p>
          <div class="stats queue-stats">
            <div class="stat stat-held">
              <span class="stat-label">In line</span>
              <span class="stat-value" data-testid="queue-waiting">
                {formatCount(v.waiting)}
              </span>
              <span class="stat-detail">waiting now</span>
            </div>
            <div class="stat">
              <span class="stat-label">Joined</span>
              <span class="stat-value" data-testid="queue-joined">
                {formatCount(v.joined)}
              </span>
              <span class="stat-detail">in total</span>
            </div>
            <div class="stat stat-sold">
              <span class="stat-label">Admitted</span>
              <span class="stat-value" data-testid="queue-served">
                {formatCount(v.served)}
              </span>
              <span class="stat-detail">served so far</span>
            </div>
            <div class="stat">
              <span class="stat-label">Conversion</span>
              <span class="stat-value" data-testid="queue-conversion">
                {percent(v.conversion)}
              </span>
              <span class="stat-detail">of admitted made a hold</span>
            </div>
          </div>
          <div class="queue-meters">
            <Meter
              label="Active in checkout"
              value={v.activeInCheckout}
              bound={v.bounds.maxInCheckout}
              testid="queue-active"
              detail={v.ticketsLeft === null ? undefined : `${formatCount(v.ticketsLeft)} tickets left`}
            />
            <Meter
              label="Admissions per minute"
              value={v.admissionsPerMinute}
              bound={v.bounds.maxAdmissionsPerMinute}
              unit="/min"
              testid="queue-rate"
              detail="admitted in the last minute"
            />
          </div>
          <p class="queue-losses small muted">
            <span>
              Abandoned (stopped polling): <strong data-testid="queue-abandoned">{formatCount(v.abandoned)}</strong>
            </span>
            <span>
              Admitted without a hold in time: <strong data-testid="queue-lapsed">{formatCount(v.lapsed)}</strong>
            </span>
          </p>

          {v.movedTo && (
            <Notice tone="info" testid="queue-moved-to">
              This line was moved to the performance of {performanceLabel(v.movedTo)}. <a href={`./${v.movedTo}`}>Go to its dashboard →</a>
            </Notice>
          )}

          <div class="queue-actions">
            {quick('resume', 'Resume admissions', 'btn-success')}
            {quick('pause', 'Pause admissions', 'btn-warning')}
            {can('close') && (
              <ConfirmButton
                label="Close the line"
                title="Close the line for good?"
                confirmLabel="Close the line"
                testid="queue-close"
                class="btn btn-sm btn-danger-outline"
                disabled={busy !== null}
                onConfirm={async () => {
                  const closed = await adminApi<QueueView>(`/api/admin/performances/${props.performanceId}/queue/close`, { method: 'POST' });
                  setView(closed);
                  setActionError(null);
                }}
              >
                <p>Nobody else will be admitted from this line and fans still waiting are told it has ended. This can’t be undone from the console.</p>
                <p>{plural(v.waiting, 'fan is', 'fans are')} waiting now.</p>
              </ConfirmButton>
            )}
            {manage && !v.movedTo && state !== 'closed' && (
              <ConfirmButton
                label="Move the line to the next performance"
                title="Move the line to the next performance?"
                confirmLabel="Move the line"
                tone="primary"
                class="btn btn-sm btn-secondary btn-wrap"
                testid="queue-move"
                disabled={busy !== null}
                onConfirm={moveToNext}
              >
                <p>
                  {props.next ? (
                    <>
                      The performance of <strong>{formatDateTime(props.next.startsAt)}</strong> at {props.next.venue.name} goes on sale now,{' '}
                    </>
                  ) : (
                    <>The next scheduled performance of this event goes on sale now, </>
                  )}
                  and the {plural(v.waiting, 'fan', 'fans')} waiting here move into its line in the same order. Their queue tickets keep working.
                </p>
                <p>This line is closed afterwards.</p>
              </ConfirmButton>
            )}
          </div>
          {actionError !== null && <ErrorNotice error={actionError} title="The change was refused" testid="queue-error" onClose={() => setActionError(null)} />}
          {moved && (
            <Notice tone="success" testid="queue-move-result" onClose={() => setMoved(null)}>
              Moved {plural(moved.moved, 'fan', 'fans')} to the performance of {performanceLabel(moved.to)}. <a href={`./${moved.to}`}>Go to its dashboard →</a>
            </Notice>
          )}

          {manage && (
            <QueueSettings
              performanceId={props.performanceId}
              view={v}
              onSaved={(saved) => {
                setView(saved);
                refresh();
              }}
            />
          )}
        </div>
      )}
      {noRoom && actionError !== null && (
        <ErrorNotice error={actionError} title="The waiting room could not be switched on" testid="queue-error" onClose={() => setActionError(null)} />
      )}
    </Section>
  );
}

function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
