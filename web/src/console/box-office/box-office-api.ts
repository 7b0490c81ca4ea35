import { t } from '../i18n';
import { adminApi } from '../session';

/** The shapes of the box office routes (src/inventory/blocks.schemas.ts, src/sales/desk-sale.schemas.ts). */
export type BlockKind = 'house' | 'production' | 'accessibility' | 'other';
export const BLOCK_KINDS: BlockKind[] = ['house', 'production', 'accessibility', 'other'];
/** A kind of block in words ("House seats"). */
export const blockKindLabel = (kind: BlockKind): string => t(`boxOffice.kind_${kind}`);
/** The languages of the email and tickets, each named in itself. */
export const LANGUAGES: [string, string][] = [
  ['en', 'English'],
  ['es', 'Español'],
  ['fr', 'Français'],
  ['nl', 'Nederlands'],
  ['nb', 'Norsk bokmål'],
];

export interface Block {
  id: string;
  kind: BlockKind;
  note: string | null;
  createdBy: string | null;
  createdAt: string;
  quantity: number;
  seats: { id: string; label: string; section: string; row: string; number: number; categoryId: string }[];
  ga: { gaAreaId: string; name: string; quantity: number }[];
}

export interface Availability {
  status: string;
  categories: { id: string; name: string; price: number; currency: string; available: number }[];
  seats: { id: string; label: string; section: string; row: string; number: number; categoryId: string; status: string }[];
  gaAreas: { id: string; name: string; categoryId: string; capacity: number; available: number }[];
}

export interface DeskSale {
  orderId: string;
  accessToken: string;
  channel: 'comp' | 'box_office';
  paymentMethod: 'none' | 'cash' | 'card_present';
  total: number;
  currency: string;
  buyer: { name: string; email: string; locale: string };
  tickets: { id: string; code: string; label: string; categoryName: string; price: number; currency: string }[];
  ticketsPdfUrl: string;
  orderUrl: string;
  confirmationQueued: boolean;
}

export interface Pick {
  seatIds?: string[];
  ga?: { gaAreaId: string; quantity: number; blockId?: string }[];
}

const base = (performanceId: string) => `/api/admin/performances/${performanceId}`;

export const loadBlocks = (performanceId: string, signal?: AbortSignal) => adminApi<{ blocks: Block[] }>(`${base(performanceId)}/blocks`, { signal });
export const loadAvailability = (performanceId: string, signal?: AbortSignal) =>
  adminApi<Availability>(`/api/performances/${performanceId}/availability`, { signal });

export const createBlock = (performanceId: string, body: Pick & { kind: BlockKind; note?: string }) =>
  adminApi<Block>(`${base(performanceId)}/blocks`, { method: 'POST', body });
export const releaseBlocks = (performanceId: string, body: { blockId?: string; seatIds?: string[] }) =>
  adminApi<{ released: { seats: number; ga: number }; blocks: Block[] }>(`${base(performanceId)}/blocks/release`, { method: 'POST', body });
export const issueComps = (performanceId: string, body: Pick & { reason: string; recipient: { name: string; email: string; locale: string } }, key: string) =>
  adminApi<DeskSale>(`${base(performanceId)}/comps`, { method: 'POST', body, headers: { 'idempotency-key': key } });
export const sellAtCounter = (
  performanceId: string,
  body: Pick & { paymentMethod: 'cash' | 'card_present'; buyer?: { name?: string; email?: string; locale?: string } },
  key: string,
) => adminApi<DeskSale>(`${base(performanceId)}/box-office-sales`, { method: 'POST', body, headers: { 'idempotency-key': key } });

/** The tickets' PDF, fetched with the order's access token and opened from memory (the token never goes in a URL). */
export async function openTicketsPdf(sale: DeskSale): Promise<void> {
  const res = await fetch(sale.ticketsPdfUrl, { headers: { authorization: `Bearer ${sale.accessToken}` } });
  if (!res.ok) throw new Error(t('boxOffice.pdfFailed', { status: res.status }));
  const url = URL.createObjectURL(await res.blob());
  window.open(url, '_blank', 'noopener');
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
