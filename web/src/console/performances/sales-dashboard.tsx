import { formatCount, formatMoney, formatTime } from '../format';
import { useNow } from '../hooks';
import { t, tp } from '../i18n';
import type { SalesReport, TimelinePoint } from '../types';
import { Notice, Section, Stat } from '../ui';
import { tn } from '../ui';
import { SalesChart, timelineSummary } from './sales-chart';

const percent = (part: number, whole: number) => (whole > 0 ? (part / whole) * 100 : 0);
const pct = (n: number) => `${n >= 10 || n === 0 ? Math.round(n) : n.toFixed(1)}%`;

export function LiveIndicator(props: { updatedAt: number | null; failing: boolean }) {
  const now = useNow(1000);
  if (!props.updatedAt) return <span class="live live-waiting">{t('sales.live.connecting')}</span>;
  const age = Math.max(0, Math.round((now - props.updatedAt) / 1000));
  if (props.failing)
    return (
      <span class="live live-stale" data-testid="live-indicator" role="status">
        {t('sales.live.failing', { time: formatTime(props.updatedAt) })}
      </span>
    );
  return (
    <span class="live" data-testid="live-indicator">
      <span class="live-dot" aria-hidden="true" />
      {age < 2 ? t('sales.live.justNow') : t('sales.live.updated', { ago: t('format.secondsAgo', { n: age }) })}
    </span>
  );
}

export function SalesNumbers(props: { report: SalesReport; currency: string | null }) {
  const r = props.report;
  const soldPct = percent(r.sold, r.capacity);
  const heldPct = percent(r.held, r.capacity);
  return (
    <div class="card">
      <div class="stats">
        <Stat
          label={t('sales.sold')}
          value={formatCount(r.sold)}
          detail={t('sales.soldOf', { percent: pct(soldPct), capacity: formatCount(r.capacity) })}
          testid="sold"
          tone="sold"
        />
        <Stat label={t('sales.heldNow')} value={formatCount(r.held)} detail={t('sales.inBaskets')} testid="held" tone="held" />
        {r.blocked !== undefined && r.blocked > 0 && (
          <Stat label={t('sales.blocked')} value={formatCount(r.blocked)} detail={t('sales.keptFromSale')} testid="blocked" />
        )}
        <Stat
          label={t('sales.available')}
          value={formatCount(r.available)}
          detail={r.available === 0 ? t('sales.nothingLeft') : t('sales.canBeSold')}
          testid="available"
        />
        <Stat
          label={t('sales.revenue')}
          value={formatMoney(r.revenue, r.currency ?? props.currency)}
          detail={`${tp('sales.paidOrders', r.orders.paid)}${r.compTickets ? ` · ${tp('sales.comps', r.compTickets)}` : ''}`}
          testid="revenue"
        />
      </div>
      <div
        class="capacity-bar"
        role="img"
        aria-label={t('sales.capacity', { sold: pct(soldPct), held: pct(heldPct), available: pct(Math.max(0, 100 - soldPct - heldPct)) })}
        data-testid="capacity-bar"
      >
        <span class="capacity-sold" style={{ width: `${soldPct}%` }} />
        <span class="capacity-held" style={{ width: `${heldPct}%` }} />
      </div>
      <div class="capacity-legend">
        <span>
          <i class="key key-sold" aria-hidden="true" />
          {t('sales.legendSold', { percent: pct(soldPct) })}
        </span>
        <span>
          <i class="key key-held" aria-hidden="true" />
          {t('sales.legendHeld', { percent: pct(heldPct) })}
        </span>
        <span>
          <i class="key key-free" aria-hidden="true" />
          {t('sales.legendAvailable', { percent: pct(percent(r.available, r.capacity)) })}
        </span>
      </div>
    </div>
  );
}

export function TimelineCard(props: { points: TimelinePoint[] | null; missing: boolean; currency: string | null }) {
  const summary = props.points ? timelineSummary(props.points) : null;
  return (
    <Section
      title={t('sales.perMinute')}
      testid="timeline"
      actions={
        summary && (
          <span class="muted small" data-testid="timeline-summary">
            {t('sales.lastHour', { tickets: tp('count.tickets', summary.tickets), amount: formatMoney(summary.revenue, props.currency) })}
            {summary.peak ? t('sales.peak', { count: formatCount(summary.peak.tickets) }) : ''}
          </span>
        )
      }
    >
      {props.missing && <Notice tone="info">{tn('sales.noTimeline', { route: <code>GET /api/admin/performances/:id/sales/timeline</code> })}</Notice>}
      {props.points && <SalesChart points={props.points} currency={props.currency} />}
      {!props.points && !props.missing && <div class="chart-placeholder" />}
    </Section>
  );
}

type OrderRow = 'paid' | 'pending' | 'refunded' | 'cancelled' | 'expired' | 'comp';

export function OrdersAndDoors(props: { report: SalesReport }) {
  const r = props.report;
  const rows: [number, OrderRow][] = [
    [r.orders.paid, 'paid'],
    [r.orders.pending, 'pending'],
    [r.orders.refunded, 'refunded'],
    [r.orders.cancelled, 'cancelled'],
    [r.orders.expired, 'expired'],
    ...(r.orders.comp !== undefined ? ([[r.orders.comp, 'comp']] as [number, OrderRow][]) : []),
  ];
  const inPct = percent(r.checkedIn, r.ticketsValid);
  return (
    <div class="stack">
      <Section title={t('sales.orders')} class="card-flush-body">
        <table class="table table-compact">
          <tbody>
            {rows.map(([n, key]) => (
              <tr key={key}>
                <td>{t(`sales.orders.${key}`)}</td>
                <td class="num" data-testid={`orders-${key}`}>
                  {formatCount(n)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title={t('sales.door')}>
        <p class="door-count">
          {tn('sales.door.checkedIn', { checkedIn: <strong data-testid="checked-in">{formatCount(r.checkedIn)}</strong>, valid: formatCount(r.ticketsValid) })}
        </p>
        <div class="capacity-bar capacity-bar-thin" role="img" aria-label={t('sales.door.bar', { percent: pct(inPct) })}>
          <span class="capacity-in" style={{ width: `${inPct}%` }} />
        </div>
      </Section>
    </div>
  );
}
