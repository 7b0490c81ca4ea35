import { useState } from 'preact/hooks';
import { formatDate, formatDateTime } from '../format';
import { adminApi, can as permitted, isMissingRoute } from '../session';
import type { PerformanceDetail, PerformanceStatus } from '../types';
import { Badge, ConfirmButton, ErrorNotice, Notice } from '../ui';
import { SalesCountdown } from './sales-countdown';

type Action = 'open' | 'pause' | 'resume' | 'close';

/** The server's transitions (performances.service.ts): each action is offered only where it is allowed. */
const allowed: Record<Action, PerformanceStatus[]> = {
  open: ['scheduled'],
  pause: ['on_sale', 'sold_out'],
  resume: ['paused'],
  close: ['scheduled', 'on_sale', 'paused', 'sold_out'],
};

const explain: Record<PerformanceStatus, string> = {
  scheduled: 'Not on sale yet: buyers see the date but can’t buy.',
  on_sale: 'On sale: buyers can hold seats and pay.',
  paused: 'Paused: buyers can’t start new purchases until you resume.',
  sold_out: 'Sold out: nothing is left to sell; refunds and expired holds return places.',
  closed: 'Closed: sales have ended for good.',
  cancelled: 'Cancelled.',
};

export function SalesControls(props: {
  /** The venue's: the sales times are shown in it. */
  timeZone?: string;
  performanceId: string;
  status: PerformanceStatus;
  /** The schedule's times, for the countdown (null when the performance has none). */
  onSaleAt: string | null;
  offSaleAt: string | null;
  next: PerformanceDetail | null;
  onChanged: (message: string) => void;
  /** Just after the schedule's time: the status has likely changed on the server. */
  onDue: () => void;
}) {
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<{ message: string; href?: string } | null>(null);
  // Buttons only for roles that control sales (the box office sees the state, not the switches).
  const can = (action: Action) => permitted('sales.control') && allowed[action].includes(props.status);

  const run = async (action: Action) => {
    setBusy(action);
    setError(null);
    setDone(null);
    try {
      const result = await adminApi<{ status: PerformanceStatus }>(`/api/admin/performances/${props.performanceId}/${action}`, { method: 'POST' });
      props.onChanged(`Sales ${action === 'open' ? 'opened' : action === 'close' ? 'closed' : `${action}d`}.`);
      setDone({ message: `Done: the performance is now ${result.status.replace('_', ' ')}.` });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  /** Throws so the confirmation dialog can show the error. */
  const openNext = async () => {
    let opened: { id: string };
    try {
      opened = await adminApi<{ id: string }>(`/api/admin/performances/${props.performanceId}/open-next`, { method: 'POST' });
    } catch (e) {
      // An older server has no open-next: open the next scheduled performance ourselves.
      if (!isMissingRoute(e) || !props.next) throw e;
      opened = await adminApi<{ id: string }>(`/api/admin/performances/${props.next.id}/open`, { method: 'POST' });
    }
    setError(null);
    setDone({
      message: `The next performance${props.next ? ` (${formatDateTime(props.next.startsAt, props.next.venue.timeZone)})` : ''} is now on sale.`,
      href: opened.id,
    });
    props.onChanged('Next performance opened.');
  };

  const quick = (action: Action, label: string, tone: string) =>
    can(action) && (
      <button type="button" class={`btn ${tone}`} disabled={busy !== null} data-testid={`sales-${action}`} onClick={() => run(action)}>
        {busy === action ? 'Working…' : label}
      </button>
    );

  return (
    <section class="card controls" aria-labelledby="controls-title" data-testid="sales-controls">
      <div class="controls-status">
        <h2 id="controls-title" class="visually-hidden">
          Sales controls
        </h2>
        <Badge status={props.status} testid="sales-status" />
        <p class="muted">{explain[props.status]}</p>
      </div>
      <div class="controls-actions">
        {quick('open', 'Open sales', 'btn-success')}
        {quick('resume', 'Resume sales', 'btn-success')}
        {quick('pause', 'Pause sales', 'btn-warning')}
        {can('close') && (
          <ConfirmButton
            label="Close sales"
            title="Close sales for good?"
            confirmLabel="Close sales"
            testid="sales-close"
            disabled={busy !== null}
            onConfirm={async () => {
              await run('close');
            }}
          >
            <p>
              Buyers will no longer be able to buy tickets for this performance, and it can’t be reopened from the console. Paid orders and issued tickets stay
              valid.
            </p>
          </ConfirmButton>
        )}
        {props.next && permitted('sales.control') && (
          <ConfirmButton
            label={
              <>
                Open the next performance <span class="btn-note">{formatDate(props.next.startsAt, props.next.venue.timeZone)}</span>
              </>
            }
            title="Open the next performance?"
            confirmLabel="Open it now"
            tone="primary"
            class="btn btn-secondary btn-wrap"
            testid="open-next"
            onConfirm={openNext}
          >
            <p>
              The performance of <strong>{formatDateTime(props.next.startsAt, props.next.venue.timeZone)}</strong> at {props.next.venue.name} goes on sale now.
              This performance keeps its current status.
            </p>
          </ConfirmButton>
        )}
      </div>
      <SalesCountdown status={props.status} onSaleAt={props.onSaleAt} offSaleAt={props.offSaleAt} timeZone={props.timeZone} onDue={props.onDue} />
      {error !== null && <ErrorNotice error={error} title="The change was refused" testid="sales-error" onClose={() => setError(null)} />}
      {done && (
        <Notice tone="success" testid="sales-done" onClose={() => setDone(null)}>
          {done.message} {done.href && <a href={`./${done.href}`}>Go to its dashboard →</a>}
        </Notice>
      )}
    </section>
  );
}
