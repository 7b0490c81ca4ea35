import { formatCount, formatMoney } from '../format';
import { useResource } from '../hooks';
import { hasMessage, t } from '../i18n';
import { CsvExportButton } from '../orders/csv-export';
import { CHANNELS } from '../orders/order-filters';
import { adminApi, can } from '../session';
import { ErrorNotice, Loading, Section } from '../ui';
import { UserText } from '../ui';

interface Breakdown {
  currency: string | null;
  totals: { orders: number; tickets: number; revenue: number; compOrders: number; comps: number };
  byCategory: { categoryId: string; name: string; price: number; currency: string; tickets: number; revenue: number; comps: number }[];
  byChannel: { channel: string; paymentMethod: string; orders: number; tickets: number; revenue: number; currency: string | null }[];
}

/** A payment method in words (`sales.method.<method>`); one the console does not know, as the server names it. */
const method = (name: string): string => {
  const key = `sales.method.${name}`;
  return hasMessage(key) ? t(key) : name;
};

/** Sales of one performance per price category and per channel (comps apart, at no revenue), with its CSV exports. */
export function SalesBreakdown(props: { performanceId: string; refreshKey: unknown }) {
  const report = useResource(
    (signal) => adminApi<Breakdown>(`/api/admin/performances/${props.performanceId}/sales/breakdown`, { signal }),
    [props.performanceId, props.refreshKey],
  );
  const r = report.data;
  return (
    <Section
      title={t('sales.breakdown')}
      testid="sales-breakdown"
      actions={
        can('orders.read') && (
          <div class="card-actions">
            <CsvExportLinks performanceId={props.performanceId} />
          </div>
        )
      }
    >
      <ErrorNotice error={report.error} />
      {!r && report.loading && <Loading />}
      {r && (
        <div class="grid-2">
          <table class="table breakdown-table" data-testid="breakdown-categories">
            <caption class="visually-hidden">{t('sales.byCategory')}</caption>
            <thead>
              <tr>
                <th>{t('sales.colCategory')}</th>
                <th class="num">{t('sales.colTickets')}</th>
                <th class="num">{t('sales.colRevenue')}</th>
                <th class="num">{t('sales.colComps')}</th>
              </tr>
            </thead>
            <tbody>
              {r.byCategory.map((c) => (
                <tr key={c.categoryId}>
                  <td>
                    <UserText>{c.name}</UserText> <span class="muted small">{formatMoney(c.price, c.currency)}</span>
                  </td>
                  <td class="num">{formatCount(c.tickets)}</td>
                  <td class="num">{formatMoney(c.revenue, c.currency)}</td>
                  <td class="num">{formatCount(c.comps)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th>{t('sales.colTotal')}</th>
                <th class="num">{formatCount(r.totals.tickets)}</th>
                <th class="num">{formatMoney(r.totals.revenue, r.currency)}</th>
                <th class="num">{formatCount(r.totals.comps)}</th>
              </tr>
            </tfoot>
          </table>
          <table class="table breakdown-table" data-testid="breakdown-channels">
            <caption class="visually-hidden">{t('sales.byChannel')}</caption>
            <thead>
              <tr>
                <th>{t('sales.colChannel')}</th>
                <th class="num">{t('sales.colOrders')}</th>
                <th class="num">{t('sales.colTickets')}</th>
                <th class="num">{t('sales.colRevenue')}</th>
              </tr>
            </thead>
            <tbody>
              {r.byChannel.length === 0 && (
                <tr>
                  <td colSpan={4} class="muted">
                    {t('sales.nothingSold')}
                  </td>
                </tr>
              )}
              {r.byChannel.map((c) => (
                <tr key={`${c.channel}-${c.paymentMethod}`}>
                  <td>
                    {CHANNELS[c.channel] ?? c.channel} <span class="muted small">{method(c.paymentMethod)}</span>
                  </td>
                  <td class="num">{formatCount(c.orders)}</td>
                  <td class="num">{formatCount(c.tickets)}</td>
                  <td class="num">{formatMoney(c.revenue, c.currency ?? r.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function CsvExportLinks(props: { performanceId: string }) {
  return (
    <>
      <CsvExportButton
        url={`/api/admin/orders.csv?performanceId=${props.performanceId}`}
        label={t('sales.exportOrders')}
        testid="export-orders"
        fallbackName="orders.csv"
      />
      <CsvExportButton
        url={`/api/admin/performances/${props.performanceId}/attendees.csv`}
        label={t('sales.exportAttendees')}
        testid="export-attendees"
        fallbackName="attendees.csv"
      />
    </>
  );
}
