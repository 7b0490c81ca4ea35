import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../shared/api';
import { navigate } from '../../shared/router';
import { formatMoney, formatShortDateTime } from '../format';
import { useResource } from '../hooks';
import { adminApi } from '../session';
import type { OrderSummary } from '../types';
import { Badge, Empty, ErrorNotice, Loading, Notice, PageHeader } from '../ui';
import { CsvExportButton } from './csv-export';
import { CHANNELS, emptyFilters, filterParams, OrderFilters, type Filters } from './order-filters';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE = 50;

function readQuery(): { q: string; performanceId: string } {
  const params = new URLSearchParams(location.search);
  return { q: params.get('q') ?? '', performanceId: params.get('performanceId') ?? '' };
}

export function OrdersPage() {
  const [query, setQuery] = useState(readQuery);
  const [input, setInput] = useState(query.q);
  const [filters, setFilters] = useState<Filters>(emptyFilters);
  // Keyset pages: the cursors that led to each page shown so far (the first page has none).
  const [cursors, setCursors] = useState<string[]>([]);
  const offset = cursors.length * PAGE;
  const [lookupError, setLookupError] = useState<unknown>(null);
  const [looking, setLooking] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => field.current?.focus(), []);

  const q = query.q.trim();
  const byEmail = q.includes('@');
  const unclear = q !== '' && !byEmail && !UUID.test(q);
  const orders = useResource(
    async (signal) => {
      if (unclear || UUID.test(q)) return null;
      const params = listParams();
      params.set('limit', String(PAGE));
      const before = cursors[cursors.length - 1];
      if (before) params.set('before', before);
      return adminApi<{ orders: OrderSummary[]; total?: number; nextCursor?: string | null }>(`/api/admin/orders?${params}`, { signal });
    },
    [q, query.performanceId, filters, cursors],
  );
  function listParams(): URLSearchParams {
    const params = filterParams(filters);
    if (byEmail) params.set('email', q);
    if (query.performanceId) params.set('performanceId', query.performanceId);
    return params;
  }
  const rows = orders.data?.orders;

  const search = async (event: Event) => {
    event.preventDefault();
    const next = { ...query, q: input.trim() };
    setLookupError(null);
    setCursors([]);
    const params = new URLSearchParams();
    if (next.q) params.set('q', next.q);
    if (next.performanceId) params.set('performanceId', next.performanceId);
    history.replaceState(null, '', `/console/orders${params.toString() ? `?${params}` : ''}`);
    if (UUID.test(next.q)) {
      setLooking(true);
      try {
        await adminApi(`/api/admin/orders/${next.q.toLowerCase()}`);
        navigate(`/console/orders/${next.q.toLowerCase()}`);
        return;
      } catch (e) {
        setLookupError(e instanceof ApiError && e.status === 404 ? new Error(`There is no order with id ${next.q}.`) : e);
      } finally {
        setLooking(false);
      }
    }
    setQuery(next);
  };

  const clearPerformance = () => {
    setCursors([]);
    setQuery({ ...query, performanceId: '' });
    history.replaceState(null, '', `/console/orders${query.q ? `?q=${encodeURIComponent(query.q)}` : ''}`);
  };

  return (
    <>
      <PageHeader title="Orders" subtitle="Find an order by the buyer’s email address or by its id, then refund or cancel it." />
      <form class="search-bar card" role="search" onSubmit={search}>
        <label for="order-search" class="visually-hidden">
          Email address or order id
        </label>
        <input
          id="order-search"
          ref={field}
          type="search"
          value={input}
          placeholder="ana@example.com or an order id"
          autocomplete="off"
          spellcheck={false}
          data-testid="order-search"
          onInput={(e) => setInput(e.currentTarget.value)}
        />
        <button type="submit" class="btn btn-primary" disabled={looking} data-testid="order-search-submit">
          {looking ? 'Looking…' : 'Search'}
        </button>
      </form>
      {query.performanceId && (
        <p class="filter-chip">
          Only orders for one performance{' '}
          <button type="button" class="btn btn-ghost btn-sm" onClick={clearPerformance}>
            Show all
          </button>
        </p>
      )}
      <OrderFilters
        value={filters}
        onChange={(next) => {
          setCursors([]);
          setFilters(next);
        }}
      />
      <ErrorNotice error={lookupError} />
      {unclear && <Notice tone="info">Type a buyer’s full email address, or a whole order id (as in the confirmation email).</Notice>}
      <ErrorNotice error={orders.error} />
      {orders.loading && !orders.data && <Loading />}
      {rows && rows.length === 0 && (
        <Empty title={byEmail ? `No orders for ${q}` : 'No orders yet'}>
          {byEmail && <p>The email search matches the whole address (any capitalisation).</p>}
        </Empty>
      )}
      {rows && rows.length > 0 && (
        <div class="card card-flush">
          <div class="card-header card-header-padded">
            <p class="muted small" data-testid="orders-count">
              {byEmail ? `Orders of ${q}` : 'Orders'}, newest first{orders.data?.total !== undefined && ` · ${orders.data.total} in all`}
            </p>
            <CsvExportButton url={`/api/admin/orders.csv?${listParams()}`} label="Export CSV" testid="orders-export" fallbackName="orders.csv" />
          </div>
          <table class="table table-hover" data-testid="orders-table">
            <thead>
              <tr>
                <th>Order</th>
                <th>Buyer</th>
                <th>Created</th>
                <th>Status</th>
                <th class="num">Total</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((o) => (
                <tr key={o.id} data-testid="order-row">
                  <td>
                    <a href={`/console/orders/${o.id}`} class="mono strong-link">
                      {o.id.slice(0, 8)}
                    </a>
                  </td>
                  <td>
                    <div>{o.buyerName}</div>
                    <div class="muted small">{o.buyerEmail}</div>
                  </td>
                  <td>{formatShortDateTime(o.createdAt)}</td>
                  <td>
                    <Badge status={o.status} />
                    {o.channel && o.channel !== 'online' && <div class="muted small">{CHANNELS[o.channel] ?? o.channel}</div>}
                  </td>
                  <td class="num">{formatMoney(o.total, o.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="pager">
            <button type="button" class="btn btn-secondary btn-sm" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
              ← Newer
            </button>
            <span class="muted small">
              {offset + 1}–{offset + rows.length}
            </span>
            <button
              type="button"
              class="btn btn-secondary btn-sm"
              disabled={!orders.data?.nextCursor}
              onClick={() => orders.data?.nextCursor && setCursors([...cursors, orders.data.nextCursor])}
            >
              Older →
            </button>
          </div>
        </div>
      )}
    </>
  );
}
