import { useState } from 'preact/hooks';
import { QrCode } from '../../shared/qr';
import { formatMoney } from '../format';
import { t, tp } from '../i18n';
import { tn, UserText } from '../ui';
import { ErrorNotice, Section } from '../ui';
import { type DeskSale, openTicketsPdf } from './box-office-api';

/** The tickets just issued, with their QR codes on screen, to scan from the screen, print or open as a PDF. */
export function SaleResult(props: { sale: DeskSale; onDone: () => void }) {
  const { sale } = props;
  const [error, setError] = useState<unknown>(null);
  const what =
    sale.channel === 'comp'
      ? t('boxOffice.compsIssued')
      : t('boxOffice.sold', {
          method: t(sale.paymentMethod === 'cash' ? 'boxOffice.soldCash' : 'boxOffice.soldCard'),
          amount: formatMoney(sale.total, sale.currency),
        });
  const tickets = tp('count.tickets', sale.tickets.length);
  return (
    <Section
      title={what}
      testid="bo-result"
      class="bo-print"
      actions={
        <div class="page-actions bo-no-print">
          <button type="button" class="btn btn-primary btn-sm" data-testid="bo-print" onClick={() => window.print()}>
            {t('boxOffice.print')}
          </button>
          <button type="button" class="btn btn-secondary btn-sm" data-testid="bo-pdf" onClick={() => openTicketsPdf(sale).catch(setError)}>
            {t('boxOffice.pdf')}
          </button>
          <a class="btn btn-secondary btn-sm" href={`/console/orders/${sale.orderId}`}>
            {t('boxOffice.order')}
          </a>
          <button type="button" class="btn btn-secondary btn-sm" data-testid="bo-done" onClick={props.onDone}>
            {t('boxOffice.done')}
          </button>
        </div>
      }
    >
      <ErrorNotice error={error} />
      <p class="muted small bo-no-print" data-testid="bo-result-note">
        {sale.buyer.name ? tn('boxOffice.for', { tickets, name: <UserText>{sale.buyer.name}</UserText> }) : tickets}
        {sale.confirmationQueued ? tn('boxOffice.emailed', { email: <UserText>{sale.buyer.email}</UserText> }) : t('boxOffice.noEmail')}
      </p>
      <ul class="bo-tickets" data-testid="bo-tickets">
        {sale.tickets.map((ticket) => (
          <li key={ticket.id} class="bo-ticket" data-testid="bo-ticket">
            <QrCode value={ticket.code} label={t('boxOffice.qr', { label: ticket.label })} size={160} />
            <div>
              <strong data-user-content="">{ticket.label}</strong>
              <div class="muted small">
                <UserText>{ticket.categoryName}</UserText> · {formatMoney(ticket.price, ticket.currency)}
              </div>
            </div>
          </li>
        ))}
      </ul>
    </Section>
  );
}
