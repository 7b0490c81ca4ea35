import { useState } from 'preact/hooks';
import { formatDate, formatMoney, type MessageKey, t, tp } from '../../shared/i18n.js';
import { LoadError, Loading, useAsync } from '../ui.js';
import { type AccountOrder, claimOrders, orders as loadOrders } from './account-api.js';
import { FormError, useSubmit } from './account-ui.js';

const STATUS: Record<AccountOrder['status'], MessageKey> = {
  paid: 'account.orders.paid',
  pending_payment: 'account.orders.pending',
  expired: 'account.orders.expired',
  cancelled: 'account.orders.cancelled',
  refunded: 'account.orders.refunded',
};

/**
 * The account's orders, newest first. Each links to its order page with the order's access token
 * after `#`, as the confirmation email does, so the tickets and QR codes open on any device.
 */
export function OrdersSection({ email }: { email: string }) {
  const [list, reload] = useAsync((signal) => loadOrders(signal), []);
  // Kept here: the list reloads after a claim, and the notice must outlive that.
  const [claimed, setClaimed] = useState<number | null>(null);
  return (
    <section class="account-section" aria-labelledby="orders-heading" data-testid="account-orders">
      <h2 id="orders-heading">{t('account.orders.title')}</h2>
      {claimed !== null && (
        <p class="notice notice-success" role="status" data-testid="claimed">
          {tp('account.claim.done', claimed)}
        </p>
      )}
      {list.state === 'loading' && <Loading />}
      {list.state === 'error' && <LoadError error={list.error} retry={reload} />}
      {list.state === 'ok' && (
        <>
          <Claim
            email={email}
            claimable={list.value.claimable}
            onClaimed={(count) => {
              setClaimed(count);
              reload();
            }}
          />
          {list.value.orders.length === 0 ? (
            <p class="empty muted" data-testid="orders-none">
              {t('account.orders.none')}
            </p>
          ) : (
            <ul class="account-orders" role="list">
              {list.value.orders.map((order) => (
                <OrderRow key={order.id} order={order} />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function OrderRow({ order }: { order: AccountOrder }) {
  const p = order.performance;
  return (
    <li class="card account-order" data-testid="account-order" data-order-id={order.id} data-status={order.status}>
      <h3 class="card-title account-order-title">{p.eventTitle}</h3>
      <p class="muted small">
        <time dateTime={p.startsAt}>{formatDate(p.startsAt, 'short', p.timeZone)}</time> · {p.venueName}
      </p>
      <p class="account-order-meta">
        <span class={`badge badge-order-${order.status}`}>{t(STATUS[order.status] ?? 'account.orders.expired')}</span>
        <span>{tp('order.tickets', order.tickets)}</span>
        <span>{formatMoney(order.total, order.currency)}</span>
      </p>
      <p>
        <a class="button button-small" href={`/orders/${order.id}#access=${encodeURIComponent(order.accessToken)}`} data-testid="account-order-open">
          {t('account.orders.open')}
          <span class="visually-hidden">
            {' '}
            {p.eventTitle} {order.id.slice(0, 8).toUpperCase()}
          </span>
        </a>
      </p>
    </li>
  );
}

/** Guest orders made with the account's confirmed email are added only when the fan asks. */
function Claim({ email, claimable, onClaimed }: { email: string; claimable: number; onClaimed: (count: number) => void }) {
  const submit = useSubmit();
  const claim = async () => {
    let count = 0;
    const ok = await submit.run(async () => {
      count = (await claimOrders()).claimed;
    });
    if (ok) onClaimed(count);
  };
  return (
    <div class="account-claim" data-testid="claim" data-claimable={claimable}>
      <FormError message={submit.error} testid="claim-error" />
      {claimable > 0 ? (
        <div class="notice notice-info">
          <p>{tp('account.claim.some', claimable, { email })}</p>
          <p>
            <button type="button" class="button button-primary" data-testid="claim-orders" disabled={submit.busy} onClick={claim}>
              {t('account.claim.submit')}
            </button>
          </p>
        </div>
      ) : (
        <p class="muted small">{t('account.claim.none', { email })}</p>
      )}
    </div>
  );
}
