import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../shared/api.js';
import { formatDate, formatMoney, t, tp, useLocale } from '../../shared/i18n.js';
import { QrCode } from '../../shared/qr.js';
import { EmailText } from '../buyer-form.js';
import { getOrder } from '../checkout-api.js';
import { orderToken, saveOrderToken } from '../storage.js';
import type { Order, Ticket } from '../types.js';
import { describeError, ErrorMessage, LoadError, Loading, PageTitle, useAsync } from '../ui.js';

/**
 * The access token arrives in the fragment (`#access=…`, never sent to servers or in Referer). It
 * moves to sessionStorage and leaves the address bar, so it is not kept in history or shared by
 * copying the URL.
 */
function takeAccessToken(orderId: string): string | null {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('access');
  if (fromHash) {
    saveOrderToken(orderId, fromHash);
    history.replaceState(history.state, '', location.pathname + location.search);
    return fromHash;
  }
  return orderToken(orderId);
}

/** `/orders/:id`: the order and its tickets with QR codes; after payment, with a thank-you banner. */
export function OrderPage({ id }: { id: string }) {
  const [token] = useState(() => takeAccessToken(id));
  const [paid] = useState(() => new URLSearchParams(location.search).get('paid') === '1');
  const locale = useLocale();
  const [order, retry] = useAsync(async (signal) => (token ? getOrder(id, token, signal) : null), [id, token, locale]);

  if (!token) return <NoAccess />;
  if (order.state === 'loading') return <Loading />;
  if (order.state === 'error') {
    const e = order.error;
    if (e instanceof ApiError && (e.status === 401 || e.status === 404 || e.status === 400)) return <NoAccess />;
    return <LoadError error={e} retry={retry} />;
  }
  if (!order.value) return <NoAccess />;
  return <OrderView order={order.value} token={token} paid={paid} />;
}

function NoAccess() {
  return (
    <div data-testid="order-no-access">
      <PageTitle title={t('order.title')}>{t('order.title')}</PageTitle>
      <ErrorMessage>{t('order.noAccess')}</ErrorMessage>
      <p>
        <a href="/">{t('notFound.home')}</a>
      </p>
    </div>
  );
}

function OrderView({ order, token, paid }: { order: Order; token: string; paid: boolean }) {
  const p = order.performance;
  return (
    <div class="order" data-testid="order" data-order-id={order.id} data-status={order.status}>
      {paid && order.status === 'paid' && (
        <div class="notice notice-success banner" role="status" data-testid="paid-banner">
          <p class="banner-title">{t('order.thanks', { name: order.buyer.name })}</p>
          <p>{t('order.emailed', { email: order.buyer.email })}</p>
        </div>
      )}
      <PageTitle title={t('order.title')}>{t('order.title')}</PageTitle>
      <p class="lead">
        <a href={`/events/${p.eventSlug}`}>{p.eventTitle}</a>
        <br />
        <time dateTime={p.startsAt} data-testid="order-when">
          {formatDate(p.startsAt, 'long', p.timeZone)}
        </time>{' '}
        · {p.venueName}
      </p>
      <StatusNotice order={order} />
      <dl class="facts card">
        <div>
          <dt>{t('order.number')}</dt>
          <dd>
            <code>{order.id.slice(0, 8).toUpperCase()}</code>
          </dd>
        </div>
        <div>
          <dt>{t('order.buyer')}</dt>
          <dd>
            {order.buyer.name}
            <br />
            <span data-testid="order-email">
              <EmailText email={order.buyer.email} />
            </span>
          </dd>
        </div>
        <div>
          <dt>{t('order.total')}</dt>
          <dd>{formatMoney(order.total, order.currency)}</dd>
        </div>
        {order.paidAt && (
          <div>
            <dt>{t('order.paidAt')}</dt>
            <dd>{formatDate(order.paidAt, 'short', p.timeZone)}</dd>
          </div>
        )}
      </dl>
      {order.tickets.length > 0 && (
        <>
          <div class="panel-head">
            <h2>{tp('order.tickets', order.tickets.length)}</h2>
            <PdfButton orderId={order.id} token={token} />
          </div>
          <p class="muted small">{t('order.showAtDoor')}</p>
          <ul class="tickets" role="list">
            {order.tickets.map((ticket) => (
              <TicketCard key={ticket.id} ticket={ticket} order={order} />
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function StatusNotice({ order }: { order: Order }) {
  if (order.status === 'paid') return null;
  if (order.status === 'pending_payment') {
    return (
      <div class="notice notice-warn" role="status" data-testid="order-status">
        <p>{t('order.pending')}</p>
        <p>
          <a class="button" href={`/checkout/${order.holdId}`}>
            {t('order.finishPayment')}
          </a>
        </p>
      </div>
    );
  }
  const key = order.status === 'refunded' ? 'order.refunded' : order.status === 'cancelled' ? 'order.cancelled' : 'order.expired';
  return (
    <p class="notice notice-info" role="status" data-testid="order-status">
      {t(key)}
    </p>
  );
}

function TicketCard({ ticket, order }: { ticket: Ticket; order: Order }) {
  const state = ticket.status === 'void' ? 'void' : ticket.checkedInAt ? 'used' : 'valid';
  const stateText =
    state === 'void'
      ? t('ticket.void')
      : state === 'used'
        ? t('ticket.used', { time: formatDate(ticket.checkedInAt!, 'short', order.performance.timeZone) })
        : t('ticket.valid');
  return (
    <li class={`card ticket ticket-${state}`} data-testid="ticket" data-code={ticket.code} data-state={state}>
      <div class="ticket-qr">
        <QrCode value={ticket.code} label={t('ticket.qrLabel', { label: ticket.label })} size={220} />
      </div>
      <div class="ticket-info">
        <p class="ticket-label">{ticket.label}</p>
        <p class="muted">
          {ticket.categoryName} · {formatMoney(ticket.price, ticket.currency)}
        </p>
        <p class="muted small">
          {order.performance.eventTitle} · {formatDate(order.performance.startsAt, 'short', order.performance.timeZone)}
        </p>
        <p>
          <span class={`badge badge-ticket-${state}`} data-testid="ticket-state">
            {stateText}
          </span>
        </p>
      </div>
    </li>
  );
}

function PdfButton({ orderId, token }: { orderId: string; token: string }) {
  const [working, setWorking] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    setMessage(null);
  }, [orderId]);

  const download = async () => {
    setWorking(true);
    setMessage(null);
    try {
      const response = await fetch(`/api/orders/${orderId}/tickets.pdf`, { headers: { authorization: `Bearer ${token}`, accept: 'application/pdf' } });
      if (response.status === 404) return setMessage(t('order.pdfUnavailable'));
      if (!response.ok) return setMessage(describeError(new ApiError(response.status, `http_${response.status}`, response.statusText)));
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = `taquilla-${orderId.slice(0, 8)}.pdf`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch {
      setMessage(t('error.network'));
    } finally {
      setWorking(false);
    }
  };

  return (
    <div class="pdf">
      <button type="button" class="button" data-testid="download-pdf" onClick={download} disabled={working} aria-busy={working ? 'true' : undefined}>
        {working ? t('common.loading') : t('order.downloadPdf')}
      </button>
      {message && (
        <p class="notice notice-info small" role="status" data-testid="pdf-message">
          {message}
        </p>
      )}
    </div>
  );
}
