import { useState } from 'preact/hooks';
import { ApiError } from '../../shared/api';
import { formatCount, formatDateTime } from '../format';
import { usePolling } from '../hooks';
import { t, tp } from '../i18n';
import { adminApi, can as permitted } from '../session';
import type { PerformanceDetail } from '../types';
import { ConfirmButton, ErrorNotice, Loading, Notice, Section } from '../ui';
import { QueueSettings } from './queue-settings';
import { explained, inWords } from './refusals';
import { tn, tnp, UserText } from '../ui';

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
/** Each state's badge tone; its name is `queue.state.<state>` and what it means `queue.explain.<state>`. */
const stateTone: Record<QueueState, string> = { pre_queue: 'info', open: 'good', paused: 'warn', sold_out: 'info', closed: 'neutral' };

const percent = (share: number) => {
  const n = share * 100;
  return `${n === 0 || n >= 10 ? Math.round(n) : n.toFixed(1)}%`;
};
const load = (used: number, bound: number) => (bound > 0 ? Math.min(100, (used / bound) * 100) : 0);

export function QueueStateBadge(props: { state: QueueState | null; enabled: boolean }) {
  const name = props.state ? t(`queue.state.${props.state}`) : null;
  const label = !name ? t('queue.noRoomBadge') : props.enabled ? name : t('queue.switchedOffBadge', { state: name });
  return (
    <span
      class={`badge badge-${props.state && props.enabled ? stateTone[props.state] : 'neutral'}`}
      data-testid="queue-state"
      data-state={props.state ?? 'none'}
    >
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
      <div
        class="capacity-bar capacity-bar-thin"
        role="img"
        aria-label={t('queue.meter', { value: formatCount(props.value), bound: formatCount(props.bound), unit: props.unit ?? '' })}
      >
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
      setActionError(inWords(e));
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
      setActionError(inWords(e));
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
    return p ? tn('queue.thePerformance', { date: formatDateTime(p.startsAt), venue: <UserText>{p.venue.name}</UserText> }) : t('queue.theNext');
  };

  const noRoom = missing || (view !== null && view.state === null);
  const v = view;
  const state = v?.state ?? null;
  const manage = permitted('queue.manage');
  const can = (action: Action) => manage && state !== null && allowed[action].includes(state);
  const quick = (action: Action, label: string, tone: string) =>
    can(action) && (
      <button type="button" class={`btn btn-sm ${tone}`} disabled={busy !== null} data-testid={`queue-${action}`} onClick={() => act(action)}>
        {busy === action ? t('ui.working') : label}
      </button>
    );

  return (
    <Section title={t('queue.title')} class="queue-panel" testid="queue-panel" actions={v && !noRoom && <QueueStateBadge state={state} enabled={v.enabled} />}>
      {pollError !== null && <ErrorNotice error={pollError} title={view ? t('queue.refreshFailed') : t('queue.loadFailed')} testid="queue-poll-error" />}
      {!view && !missing && pollError === null && <Loading label={t('queue.loading')} />}
      {noRoom && (
        <div class="queue-none" data-testid="queue-none">
          <p class="muted">{t('queue.none')}</p>
          {manage && (
            <button type="button" class="btn btn-secondary btn-sm" disabled={busy !== null} data-testid="queue-enable" onClick={enable}>
              {busy === 'enable' ? t('ui.working') : t('queue.enable')}
            </button>
          )}
        </div>
      )}
      {v && !noRoom && state && (
        <div class="queue-body">
          <p class="muted small queue-explain">{v.enabled ? t(`queue.explain.${state}`) : t('queue.switchedOff')}</p>
          <div class="stats queue-stats">
            <div class="stat stat-held">
              <span class="stat-label">{t('queue.inLine')}</span>
              <span class="stat-value" data-testid="queue-waiting">
                {formatCount(v.waiting)}
              </span>
              <span class="stat-detail">{t('queue.waitingNow')}</span>
            </div>
            <div class="stat">
              <span class="stat-label">{t('queue.joined')}</span>
              <span class="stat-value" data-testid="queue-joined">
                {formatCount(v.joined)}
              </span>
              <span class="stat-detail">{t('queue.inTotal')}</span>
            </div>
            <div class="stat stat-sold">
              <span class="stat-label">{t('queue.admitted')}</span>
              <span class="stat-value" data-testid="queue-served">
                {formatCount(v.served)}
              </span>
              <span class="stat-detail">{t('queue.servedSoFar')}</span>
            </div>
            <div class="stat">
              <span class="stat-label">{t('queue.conversion')}</span>
              <span class="stat-value" data-testid="queue-conversion">
                {percent(v.conversion)}
              </span>
              <span class="stat-detail">{t('queue.conversionDetail')}</span>
            </div>
          </div>
          <div class="queue-meters">
            <Meter
              label={t('queue.active')}
              value={v.activeInCheckout}
              bound={v.bounds.maxInCheckout}
              testid="queue-active"
              detail={v.ticketsLeft === null ? undefined : tp('queue.ticketsLeft', v.ticketsLeft)}
            />
            <Meter
              label={t('queue.rate')}
              value={v.admissionsPerMinute}
              bound={v.bounds.maxAdmissionsPerMinute}
              unit="/min"
              testid="queue-rate"
              detail={t('queue.rateDetail')}
            />
          </div>
          <p class="queue-losses small muted">
            <span>
              {t('queue.abandoned')} <strong data-testid="queue-abandoned">{formatCount(v.abandoned)}</strong>
            </span>
            <span>
              {t('queue.lapsed')} <strong data-testid="queue-lapsed">{formatCount(v.lapsed)}</strong>
            </span>
          </p>

          {v.movedTo && (
            <Notice tone="info" testid="queue-moved-to">
              {tn('queue.movedTo', { performance: performanceLabel(v.movedTo) })} <a href={`./${v.movedTo}`}>{t('sales.toDashboard')}</a>
            </Notice>
          )}

          <div class="queue-actions">
            {quick('resume', t('queue.resume'), 'btn-success')}
            {quick('pause', t('queue.pause'), 'btn-warning')}
            {can('close') && (
              <ConfirmButton
                label={t('queue.close')}
                title={t('queue.closeTitle')}
                confirmLabel={t('queue.close')}
                testid="queue-close"
                class="btn btn-sm btn-danger-outline"
                disabled={busy !== null}
                onConfirm={explained(async () => {
                  const closed = await adminApi<QueueView>(`/api/admin/performances/${props.performanceId}/queue/close`, { method: 'POST' });
                  setView(closed);
                  setActionError(null);
                })}
              >
                <p>{t('queue.closeText')}</p>
                <p>{tp('queue.waitingNowCount', v.waiting)}</p>
              </ConfirmButton>
            )}
            {manage && !v.movedTo && state !== 'closed' && (
              <ConfirmButton
                label={t('queue.move')}
                title={t('queue.moveTitle')}
                confirmLabel={t('queue.moveConfirm')}
                tone="primary"
                class="btn btn-sm btn-secondary btn-wrap"
                testid="queue-move"
                disabled={busy !== null}
                onConfirm={explained(moveToNext)}
              >
                <p>
                  {props.next
                    ? tnp('queue.moveText', v.waiting, {
                        date: <strong>{formatDateTime(props.next.startsAt)}</strong>,
                        venue: <UserText>{props.next.venue.name}</UserText>,
                      })
                    : tp('queue.moveTextNext', v.waiting)}
                </p>
                <p>{t('queue.moveAfter')}</p>
              </ConfirmButton>
            )}
          </div>
          {actionError !== null && <ErrorNotice error={actionError} title={t('queue.refused')} testid="queue-error" onClose={() => setActionError(null)} />}
          {moved && (
            <Notice tone="success" testid="queue-move-result" onClose={() => setMoved(null)}>
              {tnp('queue.moved', moved.moved, { performance: performanceLabel(moved.to) })} <a href={`./${moved.to}`}>{t('sales.toDashboard')}</a>
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
        <ErrorNotice error={actionError} title={t('queue.enableFailed')} testid="queue-error" onClose={() => setActionError(null)} />
      )}
    </Section>
  );
}
