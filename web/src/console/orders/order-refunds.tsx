import { t } from '../i18n';
import { formatDateTime, formatMoney } from '../format';
import type { OrderDetail } from '../types';
import { Section } from '../ui';

/** The refunds made on an order: when, which tickets, how much, by whom and why. */
export function OrderRefunds(props: { order: OrderDetail }) {
  const o = props.order;
  const refunds = o.refunds ?? [];
  if (refunds.length === 0) return null;
  const labels = new Map(o.tickets.map((ticket) => [ticket.id, ticket.label]));
  return (
    <Section title={t('refunds.title', { count: refunds.length })} class="card-flush-body" testid="order-refunds">
      <table class="table">
        <thead>
          <tr>
            <th>{t('refunds.when')}</th>
            <th>{t('refunds.tickets')}</th>
            <th>{t('refunds.by')}</th>
            <th>{t('refunds.reason')}</th>
            <th>{t('refunds.provider')}</th>
            <th class="num">{t('refunds.amount')}</th>
          </tr>
        </thead>
        <tbody>
          {refunds.map((r) => (
            <tr key={r.id} data-testid="refund-row">
              <td>{formatDateTime(r.createdAt, o.performance.timeZone)}</td>
              <td>{r.ticketIds.map((id) => labels.get(id) ?? id.slice(0, 8)).join(', ')}</td>
              <td class="mono small">{r.actor}</td>
              <td>{r.reason ?? <span class="muted">—</span>}</td>
              <td class="mono small">{r.providerRefundId ?? <span class="muted">{t('refunds.notOnline')}</span>}</td>
              <td class="num" data-testid="refund-amount">
                {formatMoney(r.amount, r.currency)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
