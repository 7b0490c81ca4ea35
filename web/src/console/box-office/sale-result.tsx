import { useState } from 'preact/hooks';
import { QrCode } from '../../shared/qr';
import { formatMoney } from '../format';
import { ErrorNotice, Section } from '../ui';
import { type DeskSale, openTicketsPdf } from './box-office-api';

/** The tickets just issued, with their QR codes on screen, to scan from the screen, print or open as a PDF. */
export function SaleResult(props: { sale: DeskSale; onDone: () => void }) {
  const { sale } = props;
  const [error, setError] = useState<unknown>(null);
  const what =
    sale.channel === 'comp'
      ? 'Complimentary tickets issued'
      : `Sold · ${sale.paymentMethod === 'cash' ? 'cash' : 'card'} · ${formatMoney(sale.total, sale.currency)}`;
  return (
    <Section
      title={what}
      testid="bo-result"
      class="bo-print"
      actions={
        <div class="page-actions bo-no-print">
          <button type="button" class="btn btn-primary btn-sm" data-testid="bo-print" onClick={() => window.print()}>
            Print tickets
          </button>
          <button type="button" class="btn btn-secondary btn-sm" data-testid="bo-pdf" onClick={() => openTicketsPdf(sale).catch(setError)}>
            Open PDF
          </button>
          <a class="btn btn-secondary btn-sm" href={`/console/orders/${sale.orderId}`}>
            Order
          </a>
          <button type="button" class="btn btn-secondary btn-sm" data-testid="bo-done" onClick={props.onDone}>
            Done
          </button>
        </div>
      }
    >
      <ErrorNotice error={error} />
      <p class="muted small bo-no-print" data-testid="bo-result-note">
        {sale.tickets.length} {sale.tickets.length === 1 ? 'ticket' : 'tickets'}
        {sale.buyer.name ? ` for ${sale.buyer.name}` : ''}
        {sale.confirmationQueued ? ` · confirmation emailed to ${sale.buyer.email}` : ' · no email sent'}
      </p>
      <ul class="bo-tickets" data-testid="bo-tickets">
        {sale.tickets.map((ticket) => (
          <li key={ticket.id} class="bo-ticket" data-testid="bo-ticket">
            <QrCode value={ticket.code} label={`QR code of ticket ${ticket.label}`} size={160} />
            <div>
              <strong>{ticket.label}</strong>
              <div class="muted small">
                {ticket.categoryName} · {formatMoney(ticket.price, ticket.currency)}
              </div>
            </div>
          </li>
        ))}
      </ul>
    </Section>
  );
}
