import { useMemo, useState } from 'preact/hooks';
import { formatDateTime, formatMoney } from '../format';
import { t, tp } from '../i18n';
import { adminApi } from '../session';
import type { OrderDetail, OrderTicket, RefundAnswer } from '../types';
import { Badge, ConfirmButton, Field, Section } from '../ui';

/** A ticket's status as staff read it: a void ticket that a refund names was refunded; any other void one was cancelled. */
export function ticketStatus(order: OrderDetail, ticket: OrderTicket): string {
  if (ticket.status !== 'void') return ticket.status;
  return (order.refunds ?? []).some((r) => r.ticketIds.includes(ticket.id)) ? 'refunded' : 'void';
}

/**
 * The order's tickets with their status; on a paid order the operator may tick some and refund
 * just those (a confirm step shows them and their total). The request carries an Idempotency-Key
 * made for this choice of tickets, so a retried or doubled request refunds once.
 */
export function OrderTickets(props: { order: OrderDetail; refundable: boolean; refundLimit: number | null; onRefunded: (answer: RefundAnswer) => void }) {
  const o = props.order;
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [reason, setReason] = useState('');
  const valid = o.tickets.filter((ticket) => ticket.status === 'valid');
  const picked = props.refundable ? valid.filter((ticket) => selected.has(ticket.id)) : [];
  const amount = picked.reduce((sum, ticket) => sum + ticket.price, 0);
  const choice = picked.map((ticket) => ticket.id).join(',');
  // A new key for each new choice of tickets; the same one for a retry of a choice.
  const idempotencyKey = useMemo(() => crypto.randomUUID(), [choice]);
  const overLimit = props.refundLimit !== null && amount > props.refundLimit;
  const allPicked = valid.length > 0 && picked.length === valid.length;

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const refund = async () => {
    const answer = await adminApi<RefundAnswer>(`/api/admin/orders/${o.id}/refund`, {
      method: 'POST',
      headers: { 'idempotency-key': idempotencyKey },
      body: { ticketIds: picked.map((ticket) => ticket.id), ...(reason.trim() ? { reason: reason.trim() } : {}) },
    });
    setSelected(new Set());
    setReason('');
    props.onRefunded(answer);
  };

  return (
    <Section
      title={t('tickets.title', { count: o.tickets.length })}
      class="card-flush-body"
      testid="order-tickets"
      actions={
        props.refundable &&
        valid.length > 0 && (
          <>
            <span class="muted small" data-testid="refund-selection" aria-live="polite">
              {picked.length === 0
                ? t('tickets.tickToRefund')
                : t('tickets.selected', { tickets: tp('count.tickets', picked.length), amount: formatMoney(amount, o.currency) })}
            </span>
            {overLimit && (
              <span class="muted small" data-testid="refund-selection-over-limit">
                {t('order.overLimit', { limit: formatMoney(props.refundLimit!, o.currency) })}
              </span>
            )}
            <ConfirmButton
              label={t('tickets.refundSelected')}
              title={t('tickets.refundTitle', { tickets: tp('count.tickets', picked.length) })}
              confirmLabel={t('order.refundAmount', { amount: formatMoney(amount, o.currency) })}
              testid="refund-tickets"
              disabled={picked.length === 0 || overLimit}
              onConfirm={refund}
            >
              <ul class="plain-list" data-testid="refund-tickets-list">
                {picked.map((ticket) => (
                  <li key={ticket.id}>
                    {ticket.label} ({ticket.categoryName}) · {formatMoney(ticket.price, ticket.currency)}
                  </li>
                ))}
              </ul>
              <p>
                {t('tickets.goesBack', { amount: formatMoney(amount, o.currency), name: o.buyer.name })}{' '}
                {allPicked ? t('tickets.allPicked') : tp('tickets.othersStay', valid.length - picked.length)}
              </p>
              <p>{t('tickets.emailed', { email: o.buyer.email, locale: o.buyer.locale })}</p>
              <Field label={t('tickets.reason')}>
                {(id) => <input id={id} maxLength={500} value={reason} data-testid="refund-reason" onInput={(e) => setReason(e.currentTarget.value)} />}
              </Field>
            </ConfirmButton>
          </>
        )
      }
    >
      {o.tickets.length === 0 ? (
        <p class="card-note muted">{t('tickets.none')}</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              {props.refundable && (
                <th class="check">
                  <input
                    type="checkbox"
                    aria-label={t('tickets.selectAll')}
                    data-testid="ticket-select-all"
                    checked={allPicked}
                    disabled={valid.length === 0}
                    onChange={() => setSelected(allPicked ? new Set() : new Set(valid.map((ticket) => ticket.id)))}
                  />
                </th>
              )}
              <th>{t('tickets.seat')}</th>
              <th>{t('tickets.category')}</th>
              <th>{t('tickets.status')}</th>
              <th>{t('tickets.checkedIn')}</th>
              <th class="num">{t('tickets.price')}</th>
            </tr>
          </thead>
          <tbody>
            {o.tickets.map((ticket) => {
              const status = ticketStatus(o, ticket);
              return (
                <tr key={ticket.id} data-testid="ticket-row" data-ticket-id={ticket.id}>
                  {props.refundable && (
                    <td class="check">
                      {ticket.status === 'valid' && (
                        <input
                          type="checkbox"
                          aria-label={t('tickets.refundOne', { label: ticket.label })}
                          data-testid="ticket-select"
                          checked={selected.has(ticket.id)}
                          onChange={() => toggle(ticket.id)}
                        />
                      )}
                    </td>
                  )}
                  <td>{ticket.label}</td>
                  <td>{ticket.categoryName}</td>
                  <td>
                    <Badge status={status} testid="ticket-status" />
                  </td>
                  <td>{ticket.checkedInAt ? formatDateTime(ticket.checkedInAt, o.performance.timeZone) : <span class="muted">{t('tickets.notYet')}</span>}</td>
                  <td class="num">{formatMoney(ticket.price, ticket.currency)}</td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <td colSpan={props.refundable ? 5 : 4}>{t('tickets.total')}</td>
              <td class="num">{formatMoney(o.total, o.currency)}</td>
            </tr>
            {(o.refunded ?? 0) > 0 && (
              <tr>
                <td colSpan={props.refundable ? 5 : 4}>{t('tickets.refunded')}</td>
                <td class="num" data-testid="order-refunded">
                  −{formatMoney(o.refunded!, o.currency)}
                </td>
              </tr>
            )}
          </tfoot>
        </table>
      )}
    </Section>
  );
}
