import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { formatDateTime } from '../format';
import { t } from '../i18n';
import type { PerformanceStatus } from '../types';
import { tn } from '../ui';

/**
 * What the server's sales schedule does next for this performance: a `scheduled` one opens at its
 * on-sale time, one selling (or paused, or sold out) closes at its off-sale time. Null when nothing is due.
 */
export function nextScheduled(status: PerformanceStatus, onSaleAt: string | null, offSaleAt: string | null): { kind: 'opens' | 'closes'; at: string } | null {
  if (status === 'scheduled' && onSaleAt) return { kind: 'opens', at: onSaleAt };
  if ((status === 'on_sale' || status === 'paused' || status === 'sold_out') && offSaleAt) return { kind: 'closes', at: offSaleAt };
  return null;
}

/** "2 d 04:05:06", or "04:05:06" under a day; whole seconds, rounded up so it reads 00:00:00 only at the time. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(total / 86_400);
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = `${pad(Math.floor((total % 86_400) / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
  return days > 0 ? `${days} d ${clock}` : clock;
}

/** A timer never waits longer than this; a countdown further off only ticks. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** The schedule runs just after each second; the new status is asked for a little after that. */
const AFTER_DUE_MS = 1200;
/** How long "opening now" may show before the console says the sale did not open by itself. */
const LATE_MS = 5000;

/**
 * The countdown to the schedule's next step, ticking each second. Just after the time it calls
 * `onDue` so the dashboard shows the new status at once rather than at its next poll.
 */
export function SalesCountdown(props: {
  status: PerformanceStatus;
  onSaleAt: string | null;
  offSaleAt: string | null;
  /** The venue's: the time is shown in it, named. */
  timeZone?: string;
  onDue: () => void;
}) {
  const next = nextScheduled(props.status, props.onSaleAt, props.offSaleAt);
  const at = next ? Date.parse(next.at) : null;
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (at === null) return;
    setNow(Date.now());
    const ticking = setInterval(() => setNow(Date.now()), 500);
    const wait = at - Date.now() + AFTER_DUE_MS;
    const due = wait > 0 && wait < MAX_TIMEOUT_MS ? setTimeout(props.onDue, wait) : undefined;
    return () => {
      clearInterval(ticking);
      clearTimeout(due);
    };
  }, [at, next?.kind]);
  if (!next || at === null) return null;

  const left = at - now;
  const when = formatDateTime(next.at, props.timeZone);
  let text: ComponentChildren;
  if (left > 0) {
    text = tn(next.kind === 'opens' ? 'sales.countdown.opens' : 'sales.countdown.closes', {
      countdown: (
        <span class="countdown-time" role="timer" data-testid="countdown-time">
          {formatCountdown(left)}
        </span>
      ),
      when,
    });
  } else if (left > -LATE_MS) text = t(next.kind === 'opens' ? 'sales.countdown.opening' : 'sales.countdown.closing');
  else text = t(next.kind === 'opens' ? 'sales.countdown.notOpened' : 'sales.countdown.notClosed', { when });
  return (
    <p class="countdown muted" data-testid="sales-countdown" data-kind={next.kind}>
      {text}
    </p>
  );
}
