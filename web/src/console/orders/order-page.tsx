import { useMemo, useState } from 'preact/hooks';
import { formatDateTime, formatMoney } from '../format';
import { t, tp } from '../i18n';
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
    setResult(t('order.resent', { email: o?.buyer.email ?? t('order.theBuyer') }));
  };

  // One key per refund of what is left, so a retried request refunds once.
  const refundKey = useMemo(() => crypto.randomUUID(), [o?.refunds?.length]);
  const act = async (action: 'refund' | 'cancel') => {
    const changed = await adminApi<{ id: string; status: string; refundId?: string }>(`/api/admin/orders/${props.id}/${action}`, {
      method: 'POST',
      ...(action === 'refund' ? { headers: { 'idempotency-key': refundKey } } : {}),
    });
    const email = o?.buyer.email ?? t('order.theBuyer');
    setResult(
      action === 'cancel'
        ? t('order.cancelled', { email })
        : changed.refundId
          ? t('order.refundedWithId', { refundId: changed.refundId, email })
          : t('order.refunded', { email }),
    );
    order.reload();
  };

  const refunded = (answer: RefundAnswer) => {
    const what = { amount: formatMoney(answer.amount, answer.currency), tickets: tp('count.tickets', answer.ticketIds.length) };
    setResult(
      [
        answer.refundId ? t('order.partlyRefundedWithId', { ...what, refundId: answer.refundId }) : t('order.partlyRefunded', what),
        t('order.partlyRefundedRest', { email: o?.buyer.email ?? t('order.theBuyer') }),
        answer.status === 'refunded' ? t('order.noneLeft') : '',
      ]
        .filter(Boolean)
        .join(' '),
    );
    order.reload();
  };

  const valid = o?.tickets.filter((ticket) => ticket.status === 'valid').length ?? 0;
  // What is left of the charge after earlier partial refunds.
  const remaining = o ? o.total - (o.refunded ?? 0) : 0;
  return (
    <>
      <PageHeader
        back={{ href: '/console/orders', label: t('orders.title') }}
        title={
          <>
            {t('order.title')} <span class="mono">{props.id.slice(0, 8)}</span>
          </>
        }
        badge={o && <Badge status={o.status} testid="order-status" />}
        subtitle={
          o && (
            <>
              {o.buyer.name} · {tp('count.tickets', o.tickets.length)} · {formatMoney(o.total, o.currency)}
            </>
          )
        }
        actions={
          o && (
            <>
              {o.status === 'paid' && can('orders.resend') && (
                <ConfirmButton
                  label={t('order.resend')}
                  title={t('order.resendTitle')}
                  confirmLabel={t('order.resendConfirm')}
                  testid="order-resend"
                  onConfirm={resend}
                >
                  <p>{t('order.resendText', { tickets: tp('count.validTickets', valid), email: o.buyer.email })}</p>
                </ConfirmButton>
              )}
              {o.status === 'paid' && can('orders.refund') && refundLimit !== null && remaining > refundLimit && (
                <span class="muted small" data-testid="order-refund-over-limit">
                  {t('order.overLimit', { limit: formatMoney(refundLimit, o.currency) })}
                </span>
              )}
              {o.status === 'paid' && can('orders.refund') && (refundLimit === null || remaining <= refundLimit) && (
                <ConfirmButton
                  label={remaining < o.total ? t('order.refundRest') : t('order.refund')}
                  title={remaining < o.total ? t('order.refundRestTitle') : t('order.refundTitle')}
                  confirmLabel={t('order.refundAmount', { amount: formatMoney(remaining, o.currency) })}
                  testid="order-refund"
                  onConfirm={() => act('refund')}
                >
                  <p>
                    {remaining < o.total
                      ? t('order.refundGoesBackBefore', {
                          amount: formatMoney(remaining, o.currency),
                          name: o.buyer.name,
                          before: formatMoney(o.total - remaining, o.currency),
                        })
                      : t('order.refundGoesBack', { amount: formatMoney(remaining, o.currency), name: o.buyer.name })}
                  </p>
                  <p>{t('order.refundEffect', { tickets: tp('count.validTickets', valid), email: o.buyer.email })}</p>
                </ConfirmButton>
              )}
              {(o.status === 'paid' || o.status === 'pending_payment') && can('orders.cancel') && (
                <ConfirmButton
                  label={t('order.cancel')}
                  title={t('order.cancelTitle')}
                  confirmLabel={t('order.cancelConfirm')}
                  testid="order-cancel"
                  onConfirm={() => act('cancel')}
                >
                  {o.status === 'paid' ? <p>{t('order.cancelPaid')}</p> : <p>{t('order.cancelUnpaid')}</p>}
                  <p>{t('order.cannotUndo')}</p>
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
            <Section title={t('order.buyer')}>
              <dl class="facts">
                <dt>{t('order.name')}</dt>
                <dd data-testid="order-buyer">{o.buyer.name}</dd>
                <dt>{t('order.email')}</dt>
                <dd>
                  <a href={`mailto:${o.buyer.email}`}>{o.buyer.email}</a>
                </dd>
                <dt>{t('order.language')}</dt>
                <dd>{o.buyer.locale}</dd>
              </dl>
              <a class="small" href={`/console/outbox?recipient=${encodeURIComponent(o.buyer.email)}`}>
                {t('order.emailsSent')}
              </a>
            </Section>
            <Section title={t('order.performance')}>
              <dl class="facts">
                <dt>{t('order.event')}</dt>
                <dd>{o.performance.eventTitle}</dd>
                <dt>{t('order.starts')}</dt>
                <dd>{formatDateTime(o.performance.startsAt, o.performance.timeZone)}</dd>
                <dt>{t('order.venue')}</dt>
                <dd>{o.performance.venueName}</dd>
              </dl>
              <a class="small" href={`/console/events/${o.performance.eventSlug}/performances/${o.performance.id}`}>
                {t('order.dashboard')}
              </a>
            </Section>
            <Section title={t('order.payment')}>
              <dl class="facts">
                <dt>{t('order.total')}</dt>
                <dd data-testid="order-total">
                  <strong>{formatMoney(o.total, o.currency)}</strong>
                </dd>
                <dt>{t('order.created')}</dt>
                <dd>{formatDateTime(o.createdAt, o.performance.timeZone)}</dd>
                <dt>{t('order.paid')}</dt>
                <dd>{o.paidAt ? formatDateTime(o.paidAt, o.performance.timeZone) : '—'}</dd>
                {o.payment && (
                  <>
                    <dt>{t('order.provider')}</dt>
                    <dd>
                      {o.payment.provider} <span class="muted mono small">{o.payment.sessionId.slice(0, 12)}…</span>
                    </dd>
                  </>
                )}
                <dt>{t('order.id')}</dt>
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
