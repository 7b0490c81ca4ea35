import { useMemo, useState } from 'preact/hooks';
import { formatDateTime, formatMoney, plural } from '../format';
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
  const valid = o.tickets.filter((t) => t.status === 'valid');
  const picked = props.refundable ? valid.filter((t) => selected.has(t.id)) : [];
  const amount = picked.reduce((sum, t) => sum + t.price, 0);
  const choice = picked.map((t) => t.id).join(',');
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
      body: { ticketIds: picked.map((t) => t.id), ...(reason.trim() ? { reason: reason.trim() } : {}) },
    });
    setSelected(new Set());
    setReason('');
    props.onRefunded(answer);
  };

  return (
    <Section
      title={`Tickets (${o.tickets.length})`}
      class="card-flush-body"
      testid="order-tickets"
      actions={
        props.refundable &&
        valid.length > 0 && (
          <>
            <span class="muted small" data-testid="refund-selection" aria-live="polite">
              {picked.length === 0 ? 'Tick tickets to refund some of them' : `${plural(picked.length, 'ticket')} selected · ${formatMoney(amount, o.currency)}`}
            </span>
            {overLimit && (
              <span class="muted small" data-testid="refund-selection-over-limit">
                Above your refund limit ({formatMoney(props.refundLimit!, o.currency)})
              </span>
            )}
            <ConfirmButton
              label="Refund selected"
              title={`Refund ${plural(picked.length, 'ticket')}?`}
              confirmLabel={`Refund ${formatMoney(amount, o.currency)}`}
              testid="refund-tickets"
              disabled={picked.length === 0 || overLimit}
              onConfirm={refund}
            >
              <ul class="plain-list" data-testid="refund-tickets-list">
                {picked.map((t) => (
                  <li key={t.id}>
                    {t.label} ({t.categoryName}) · {formatMoney(t.price, t.currency)}
                  </li>
                ))}
              </ul>
              <p>
                <strong>{formatMoney(amount, o.currency)}</strong> goes back to {o.buyer.name}. These tickets stop working at the door and their places go back
                on sale at once.{' '}
                {allPicked ? 'No valid ticket is left: the order becomes refunded.' : `The other ${plural(valid.length - picked.length, 'ticket')} stay valid.`}
              </p>
              <p>
                {o.buyer.email} is emailed in the order’s language ({o.buyer.locale}). This can’t be undone.
              </p>
              <Field label="Reason (optional, kept in the audit log, not sent to the buyer)">
                {(id) => <input id={id} maxLength={500} value={reason} data-testid="refund-reason" onInput={(e) => setReason(e.currentTarget.value)} />}
              </Field>
            </ConfirmButton>
          </>
        )
      }
    >
      {o.tickets.length === 0 ? (
        <p class="card-note muted">No tickets: they are issued when the order is paid.</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              {props.refundable && (
                <th class="check">
                  <input
                    type="checkbox"
                    aria-label="Select every valid ticket"
                    data-testid="ticket-select-all"
                    checked={allPicked}
                    disabled={valid.length === 0}
                    onChange={() => setSelected(allPicked ? new Set() : new Set(valid.map((t) => t.id)))}
                  />
                </th>
              )}
              <th>Seat or area</th>
              <th>Category</th>
              <th>Status</th>
              <th>Checked in</th>
              <th class="num">Price</th>
            </tr>
          </thead>
          <tbody>
            {o.tickets.map((t) => {
              const status = ticketStatus(o, t);
              return (
                <tr key={t.id} data-testid="ticket-row" data-ticket-id={t.id}>
                  {props.refundable && (
                    <td class="check">
                      {t.status === 'valid' && (
                        <input
                          type="checkbox"
                          aria-label={`Refund ${t.label}`}
                          data-testid="ticket-select"
                          checked={selected.has(t.id)}
                          onChange={() => toggle(t.id)}
                        />
                      )}
                    </td>
                  )}
                  <td>{t.label}</td>
                  <td>{t.categoryName}</td>
                  <td>
                    <Badge status={status} testid="ticket-status" />
                  </td>
                  <td>{t.checkedInAt ? formatDateTime(t.checkedInAt, o.performance.timeZone) : <span class="muted">Not yet</span>}</td>
                  <td class="num">{formatMoney(t.price, t.currency)}</td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <td colSpan={props.refundable ? 5 : 4}>Total</td>
              <td class="num">{formatMoney(o.total, o.currency)}</td>
            </tr>
            {(o.refunded ?? 0) > 0 && (
              <tr>
                <td colSpan={props.refundable ? 5 : 4}>Refunded</td>
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
