import { formatCount, formatMoney, formatTime } from '../format';
import { useNow } from '../hooks';
import type { SalesReport, TimelinePoint } from '../types';
import { Notice, Section, Stat } from '../ui';
import { SalesChart, timelineSummary } from './sales-chart';

const percent = (part: number, whole: number) => (whole > 0 ? (part / whole) * 100 : 0);
const pct = (n: number) => `${n >= 10 || n === 0 ? Math.round(n) : n.toFixed(1)}%`;

export function LiveIndicator(props: { updatedAt: number | null; failing: boolean }) {
  const now = useNow(1000);
  if (!props.updatedAt) return <span class="live live-waiting">Connecting…</span>;
  const age = Math.max(0, Math.round((now - props.updatedAt) / 1000));
  if (props.failing)
    return (
      <span class="live live-stale" data-testid="live-indicator" role="status">
        Connection problem · last update {formatTime(props.updatedAt)}
      </span>
    );
  return (
    <span class="live" data-testid="live-indicator">
      <span class="live-dot" aria-hidden="true" />
      Live · updated {age < 2 ? 'just now' : `${age} s ago`}
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
        <Stat label="Sold" value={formatCount(r.sold)} detail={`${pct(soldPct)} of ${formatCount(r.capacity)}`} testid="sold" tone="sold" />
        <Stat label="Held now" value={formatCount(r.held)} detail="in buyers’ baskets" testid="held" tone="held" />
        {r.blocked !== undefined && r.blocked > 0 && <Stat label="Blocked" value={formatCount(r.blocked)} detail="kept from sale" testid="blocked" />}
        <Stat label="Available" value={formatCount(r.available)} detail={r.available === 0 ? 'nothing left' : 'can be sold'} testid="available" />
        <Stat
          label="Revenue"
          value={formatMoney(r.revenue, r.currency ?? props.currency)}
          detail={`${formatCount(r.orders.paid)} paid orders${r.compTickets ? ` · ${formatCount(r.compTickets)} comps` : ''}`}
          testid="revenue"
        />
      </div>
      <div
        class="capacity-bar"
        role="img"
        aria-label={`${pct(soldPct)} sold, ${pct(heldPct)} held, ${pct(Math.max(0, 100 - soldPct - heldPct))} available`}
        data-testid="capacity-bar"
      >
        <span class="capacity-sold" style={{ width: `${soldPct}%` }} />
        <span class="capacity-held" style={{ width: `${heldPct}%` }} />
      </div>
      <div class="capacity-legend">
        <span>
          <i class="key key-sold" aria-hidden="true" />
          Sold {pct(soldPct)}
        </span>
        <span>
          <i class="key key-held" aria-hidden="true" />
          Held {pct(heldPct)}
        </span>
        <span>
          <i class="key key-free" aria-hidden="true" />
          Available {pct(percent(r.available, r.capacity))}
        </span>
      </div>
    </div>
  );
}

export function TimelineCard(props: { points: TimelinePoint[] | null; missing: boolean; currency: string | null }) {
  const summary = props.points ? timelineSummary(props.points) : null;
  return (
    <Section
      title="Sales per minute"
      testid="timeline"
      actions={
        summary && (
          <span class="muted small" data-testid="timeline-summary">
            Last hour: {formatCount(summary.tickets)} tickets · {formatMoney(summary.revenue, props.currency)}
            {summary.peak ? ` · peak ${summary.peak.tickets}/min` : ''}
          </span>
        )
      }
    >
      {props.missing && (
        <Notice tone="info">
          The chart needs <code>GET /api/admin/performances/:id/sales/timeline</code>, which this server does not have yet.
        </Notice>
      )}
      {props.points && <SalesChart points={props.points} currency={props.currency} />}
      {!props.points && !props.missing && <div class="chart-placeholder" />}
    </Section>
  );
}

export function OrdersAndDoors(props: { report: SalesReport }) {
  const r = props.report;
  const rows: [string, number, string][] = [
    ['Paid', r.orders.paid, 'paid'],
    ['Awaiting payment', r.orders.pending, 'pending'],
    ['Refunded', r.orders.refunded, 'refunded'],
    ['Cancelled', r.orders.cancelled, 'cancelled'],
    ['Expired', r.orders.expired, 'expired'],
    ...(r.orders.comp !== undefined ? ([['Complimentary', r.orders.comp, 'comp']] as [string, number, string][]) : []),
  ];
  const inPct = percent(r.checkedIn, r.ticketsValid);
  return (
    <div class="stack">
      <Section title="Orders" class="card-flush-body">
        <table class="table table-compact">
          <tbody>
            {rows.map(([label, n, key]) => (
              <tr key={key}>
                <td>{label}</td>
                <td class="num" data-testid={`orders-${key}`}>
                  {formatCount(n)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="At the door">
        <p class="door-count">
          <strong data-testid="checked-in">{formatCount(r.checkedIn)}</strong> of {formatCount(r.ticketsValid)} tickets checked in
        </p>
        <div class="capacity-bar capacity-bar-thin" role="img" aria-label={`${pct(inPct)} checked in`}>
          <span class="capacity-in" style={{ width: `${inPct}%` }} />
        </div>
      </Section>
    </div>
  );
}
