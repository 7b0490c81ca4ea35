import { t } from '../i18n';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../shared/api';
import { navigate } from '../../shared/router';
import { formatCount, formatMoney, formatShortDateTime } from '../format';
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
        setLookupError(e instanceof ApiError && e.status === 404 ? new Error(t('orders.noSuchId', { id: next.q })) : e);
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
      <PageHeader title={t('orders.title')} subtitle={t('orders.subtitle')} />
      <form class="search-bar card" role="search" onSubmit={search}>
        <label for="order-search" class="visually-hidden">
          {t('orders.searchLabel')}
        </label>
        <input
          id="order-search"
          ref={field}
          type="search"
          value={input}
          placeholder={t('orders.searchPlaceholder')}
          autocomplete="off"
          spellcheck={false}
          data-testid="order-search"
          onInput={(e) => setInput(e.currentTarget.value)}
        />
        <button type="submit" class="btn btn-primary" disabled={looking} data-testid="order-search-submit">
          {looking ? t('orders.looking') : t('orders.search')}
        </button>
      </form>
      {query.performanceId && (
        <p class="filter-chip">
          {t('orders.onePerformance')}{' '}
          <button type="button" class="btn btn-ghost btn-sm" onClick={clearPerformance}>
            {t('orders.showAll')}
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
      {unclear && <Notice tone="info">{t('orders.unclear')}</Notice>}
      <ErrorNotice error={orders.error} />
      {orders.loading && !orders.data && <Loading />}
      {rows && rows.length === 0 && (
        <Empty title={byEmail ? t('orders.noneFor', { email: q }) : t('orders.none')}>{byEmail && <p>{t('orders.emailHint')}</p>}</Empty>
      )}
      {rows && rows.length > 0 && (
        <div class="card card-flush">
          <div class="card-header card-header-padded">
            <p class="muted small" data-testid="orders-count">
              {byEmail ? t('orders.listOf', { email: q }) : t('orders.list')}
              {orders.data?.total !== undefined && t('orders.inAll', { total: formatCount(orders.data.total) })}
            </p>
            <CsvExportButton url={`/api/admin/orders.csv?${listParams()}`} label={t('orders.export')} testid="orders-export" fallbackName="orders.csv" />
          </div>
          <table class="table table-hover" data-testid="orders-table">
            <thead>
              <tr>
                <th>{t('orders.colOrder')}</th>
                <th>{t('orders.colBuyer')}</th>
                <th>{t('orders.colCreated')}</th>
                <th>{t('orders.colStatus')}</th>
                <th class="num">{t('orders.colTotal')}</th>
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
              {t('orders.newer')}
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
              {t('orders.older')}
            </button>
          </div>
        </div>
      )}
    </>
  );
}
