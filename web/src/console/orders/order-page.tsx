import { useMemo, useState } from 'preact/hooks';
import { formatDateTime, formatMoney, plural } from '../format';
import { useResource } from '../hooks';
import { adminApi, can, session } from '../session';
import type { OrderDetail, RefundAnswer } from '../types';
import { Badge, ConfirmButton, ErrorNotice, Loading, Notice, PageHeader, Section } from '../ui';
import { OrderRefunds } from './order-refunds';
import { OrderTickets } from './order-tickets';

export function OrderPage(props: { id: string }) {
  const order = useResource((signal) => adminApi<OrderDetail>(`/api/admin/orders/${props.id}`, { signal }), [props.id]);
  const [result, setResult] = useState<string | null>(null);
  const o = order.data;
  // A box office account refunds up to its limit; the server refuses above it anyway.
  const me = session();
  const refundLimit = me.status === 'ready' && me.staff.role === 'box_office' ? (me.staff.refundLimit ?? 0) : null;

  const resend = async () => {
    await adminApi(`/api/admin/orders/${props.id}/resend-confirmation`, { method: 'POST' });
    setResult(`The confirmation is on its way to ${o?.buyer.email ?? 'the buyer'} again.`);
  };

  // One key per refund of what is left, so a retried request refunds once.
  const refundKey = useMemo(() => crypto.randomUUID(), [o?.refunds?.length]);
  const act = async (action: 'refund' | 'cancel') => {
    const changed = await adminApi<{ id: string; status: string; refundId?: string }>(`/api/admin/orders/${props.id}/${action}`, {
      method: 'POST',
      ...(action === 'refund' ? { headers: { 'idempotency-key': refundKey } } : {}),
    });
    setResult(
      action === 'refund'
        ? `Order refunded${changed.refundId ? ` (refund ${changed.refundId})` : ''}. Its tickets are void, the places are back on sale and ${o?.buyer.email ?? 'the buyer'} is emailed.`
        : `Order cancelled. Its tickets are void, the places are back on sale and ${o?.buyer.email ?? 'the buyer'} is emailed.`,
    );
    order.reload();
  };

  const refunded = (answer: RefundAnswer) => {
    setResult(
      `${formatMoney(answer.amount, answer.currency)} refunded for ${plural(answer.ticketIds.length, 'ticket')}${answer.refundId ? ` (refund ${answer.refundId})` : ''}. ` +
        `Their places are back on sale and ${o?.buyer.email ?? 'the buyer'} is emailed.${answer.status === 'refunded' ? ' No valid ticket is left: the order is refunded.' : ''}`,
    );
    order.reload();
  };

  const valid = o?.tickets.filter((t) => t.status === 'valid').length ?? 0;
  // What is left of the charge after earlier partial refunds.
  const remaining = o ? o.total - (o.refunded ?? 0) : 0;
  return (
    <>
      <PageHeader
        back={{ href: '/console/orders', label: 'Orders' }}
        title={
          <>
            Order <span class="mono">{props.id.slice(0, 8)}</span>
          </>
        }
        badge={o && <Badge status={o.status} testid="order-status" />}
        subtitle={
          o && (
            <>
              {o.buyer.name} · {plural(o.tickets.length, 'ticket')} · {formatMoney(o.total, o.currency)}
            </>
          )
        }
        actions={
          o && (
            <>
              {o.status === 'paid' && can('orders.resend') && (
                <ConfirmButton
                  label="Resend confirmation"
                  title="Send the confirmation again?"
                  confirmLabel="Send it again"
                  testid="order-resend"
                  onConfirm={resend}
                >
                  <p>
                    The confirmation email with the {plural(valid, 'valid ticket')} goes again to {o.buyer.email}, the address on the order.
                  </p>
                </ConfirmButton>
              )}
              {o.status === 'paid' && can('orders.refund') && refundLimit !== null && remaining > refundLimit && (
                <span class="muted small" data-testid="order-refund-over-limit">
                  Above your refund limit ({formatMoney(refundLimit, o.currency)})
                </span>
              )}
              {o.status === 'paid' && can('orders.refund') && (refundLimit === null || remaining <= refundLimit) && (
                <ConfirmButton
                  label={remaining < o.total ? 'Refund the rest' : 'Refund'}
                  title={remaining < o.total ? 'Refund the rest of this order?' : 'Refund this order?'}
                  confirmLabel={`Refund ${formatMoney(remaining, o.currency)}`}
                  testid="order-refund"
                  onConfirm={() => act('refund')}
                >
                  <p>
                    {formatMoney(remaining, o.currency)} goes back to {o.buyer.name}
                    {remaining < o.total ? ` (${formatMoney(o.total - remaining, o.currency)} was refunded before)` : ''}.
                  </p>
                  <p>
                    The {plural(valid, 'valid ticket')} will stop working at the door, the places go back on sale and {o.buyer.email} is emailed. This can’t be
                    undone.
                  </p>
                </ConfirmButton>
              )}
              {(o.status === 'paid' || o.status === 'pending_payment') && can('orders.cancel') && (
                <ConfirmButton
                  label="Cancel order"
                  title="Cancel this order?"
                  confirmLabel="Cancel the order"
                  testid="order-cancel"
                  onConfirm={() => act('cancel')}
                >
                  {o.status === 'paid' ? (
                    <p>
                      The tickets stop working and the places go back on sale, but <strong>no money is returned</strong>. To return the money, refund instead.
                    </p>
                  ) : (
                    <p>The buyer has not paid. Their hold is released and the places go back on sale.</p>
                  )}
                  <p>This can’t be undone.</p>
                </ConfirmButton>
              )}
            </>
          )
        }
      />
      {result && (
        <Notice tone="success" testid="order-result" onClose={() => setResult(null)}>
          {result}
        </Notice>
      )}
      <ErrorNotice error={order.error} />
      {order.loading && !o && <Loading />}
      {o && (
        <div class="stack">
          <div class="grid-3 cards-row">
            <Section title="Buyer">
              <dl class="facts">
                <dt>Name</dt>
                <dd data-testid="order-buyer">{o.buyer.name}</dd>
                <dt>Email</dt>
                <dd>
                  <a href={`mailto:${o.buyer.email}`}>{o.buyer.email}</a>
                </dd>
                <dt>Language</dt>
                <dd>{o.buyer.locale}</dd>
              </dl>
              <a class="small" href={`/console/outbox?recipient=${encodeURIComponent(o.buyer.email)}`}>
                Emails sent to this buyer →
              </a>
            </Section>
            <Section title="Performance">
              <dl class="facts">
                <dt>Event</dt>
                <dd>{o.performance.eventTitle}</dd>
                <dt>Starts</dt>
                <dd>{formatDateTime(o.performance.startsAt, o.performance.timeZone)}</dd>
                <dt>Venue</dt>
                <dd>{o.performance.venueName}</dd>
              </dl>
              <a class="small" href={`/console/events/${o.performance.eventSlug}/performances/${o.performance.id}`}>
                Sales dashboard →
              </a>
            </Section>
            <Section title="Payment">
              <dl class="facts">
                <dt>Total</dt>
                <dd data-testid="order-total">
                  <strong>{formatMoney(o.total, o.currency)}</strong>
                </dd>
                <dt>Created</dt>
                <dd>{formatDateTime(o.createdAt, o.performance.timeZone)}</dd>
                <dt>Paid</dt>
                <dd>{o.paidAt ? formatDateTime(o.paidAt, o.performance.timeZone) : '—'}</dd>
                {o.payment && (
                  <>
                    <dt>Provider</dt>
                    <dd>
                      {o.payment.provider} <span class="muted mono small">{o.payment.sessionId.slice(0, 12)}…</span>
                    </dd>
                  </>
                )}
                <dt>Order id</dt>
                <dd class="mono small">{o.id}</dd>
              </dl>
            </Section>
          </div>
          <OrderTickets order={o} refundable={o.status === 'paid' && can('orders.refund')} refundLimit={refundLimit} onRefunded={refunded} />
          <OrderRefunds order={o} />
        </div>
      )}
    </>
  );
}
