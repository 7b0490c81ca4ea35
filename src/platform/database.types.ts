import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Table types for Kysely, kept by hand in step with `migrations/`. */
type Created = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type PerformanceStatus = 'scheduled' | 'on_sale' | 'paused' | 'sold_out' | 'closed' | 'cancelled';
export type SeatStatus = 'available' | 'held' | 'sold';
export type HoldStatus = 'active' | 'released' | 'expired' | 'converted';
export type OrderStatus = 'pending_payment' | 'paid' | 'expired' | 'refunded' | 'cancelled';

export interface VenueTable {
  id: Generated<string>;
  name: string;
  created_at: Created;
}
export interface SeatTable {
  id: Generated<string>;
  venue_id: string;
  section: string;
  row_label: string;
  number: number;
  label: string;
  x: number;
  y: number;
  rank: number;
}
export interface GaAreaTable {
  id: Generated<string>;
  venue_id: string;
  name: string;
  capacity: number;
  x: Generated<number>;
  y: Generated<number>;
}
export interface EventTable {
  id: Generated<string>;
  slug: string;
  title: string;
  description: Generated<string>;
  max_tickets_per_order: Generated<number>;
  created_at: Created;
}
export interface PriceCategoryTable {
  id: Generated<string>;
  event_id: string;
  name: string;
  price: number;
  currency: string;
  sort: Generated<number>;
}
export interface PerformanceTable {
  id: Generated<string>;
  event_id: string;
  venue_id: string;
  starts_at: Timestamp;
  doors_at: Timestamp | null;
  on_sale_at: Timestamp | null;
  off_sale_at: Timestamp | null;
  status: ColumnType<PerformanceStatus, PerformanceStatus | undefined, PerformanceStatus>;
  created_at: Created;
}
export interface HoldTable {
  id: Generated<string>;
  performance_id: string;
  status: ColumnType<HoldStatus, HoldStatus | undefined, HoldStatus>;
  expires_at: Timestamp;
  created_at: Created;
  /** The client's Idempotency-Key for the creation, and a hash of the request it came with. */
  idempotency_key: string | null;
  request_hash: string | null;
  /** The queue ticket id of the admission that made it, when a waiting room gated it. */
  admission_id: string | null;
  /** Tickets in the hold (seats plus GA places). */
  quantity: Generated<number>;
}
export interface PerformanceSeatTable {
  performance_id: string;
  seat_id: string;
  category_id: string;
  rank: number;
  status: ColumnType<SeatStatus, SeatStatus | undefined, SeatStatus>;
  hold_id: string | null;
}
export interface PerformanceGaAreaTable {
  performance_id: string;
  ga_area_id: string;
  category_id: string;
}
export interface GaStockTable {
  performance_id: string;
  ga_area_id: string;
  bucket: number;
  capacity: number;
  taken: Generated<number>;
}
export interface HoldGaItemTable {
  hold_id: string;
  performance_id: string;
  ga_area_id: string;
  bucket: number;
  quantity: number;
}
export interface OrderTable {
  id: Generated<string>;
  hold_id: string;
  performance_id: string;
  idempotency_key: string;
  status: ColumnType<OrderStatus, OrderStatus | undefined, OrderStatus>;
  buyer_name: string;
  buyer_email: string;
  locale: string;
  total: number;
  currency: string;
  payment_provider: string;
  payment_session_id: string | null;
  payment_session_url: string | null;
  /** categoryId -> price in minor units when the order was made. */
  category_prices: ColumnType<Record<string, number>, string | undefined, never>;
  payment_id: string | null;
  created_at: Created;
  paid_at: Timestamp | null;
  closed_at: Timestamp | null;
}
export interface PaymentAttemptTable {
  id: Generated<string>;
  order_id: string;
  token_id: string;
  outcome: 'succeeded' | 'declined';
  reason: string | null;
  created_at: Created;
}
export interface TicketTable {
  id: string;
  order_id: string;
  performance_id: string;
  seat_id: string | null;
  ga_area_id: string | null;
  category_id: string;
  price: number;
  code: string;
  status: ColumnType<'valid' | 'void', 'valid' | 'void' | undefined, 'valid' | 'void'>;
  checked_in_at: Timestamp | null;
  created_at: Created;
}
export interface CheckoutRecordTable {
  id: Generated<string>;
  order_id: string;
  buyer_email: string;
  storefront: string;
  build_id: string;
  client_build_id: string | null;
  created_at: Created;
}
export interface OutboxTable {
  id: Generated<string>;
  kind: string;
  recipient: string;
  locale: string;
  subject: string;
  body_text: string;
  body_html: string;
  status: ColumnType<'queued' | 'sent' | 'kept' | 'failed', 'queued' | 'kept' | undefined, 'queued' | 'sent' | 'kept' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  order_id: string | null;
  created_at: Created;
  sent_at: Timestamp | null;
}
export interface AuditLogTable {
  id: Generated<string>;
  at: Created;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  data: ColumnType<Record<string, unknown>, string | undefined, never>;
  /** The client address the change came from, when it came over HTTP. */
  ip: ColumnType<string | null, string | null | undefined, never>;
  /** The chain (migrations/007_audit_chain.ts): NULL until the sealer seals the row, then fixed. */
  seq: ColumnType<number | null, never, number>;
  prev_hash: ColumnType<string | null, never, string>;
  hash: ColumnType<string | null, never, string>;
  sealed_at: ColumnType<Date | null, never, Date | string>;
}

export type WaitingRoomState = 'pre_queue' | 'open' | 'paused' | 'closed' | 'sold_out';
export interface WaitingRoomTable {
  performance_id: string;
  enabled: Generated<boolean>;
  max_in_checkout: Generated<number>;
  max_admissions_per_minute: Generated<number>;
  grace_seconds: Generated<number>;
  start_limit_seconds: Generated<number>;
  seed_salt: string;
  seed_commitment: string;
  seed: string | null;
  entrants: number | null;
  state: ColumnType<WaitingRoomState, WaitingRoomState | undefined, WaitingRoomState>;
  opened_at: Timestamp | null;
  moved_to: string | null;
  created_at: Created;
}

/** One row per kind of CSP violation, counted. */
export interface CspReportTable {
  signature: string;
  document: string;
  directive: string;
  blocked: string;
  source: string;
  sample: string;
  count: Generated<number>;
  first_seen: Created;
  last_seen: Timestamp;
}

export interface IncidentTable {
  id: Generated<string>;
  kind: string;
  status: ColumnType<'open' | 'resolved', 'open' | undefined, 'resolved'>;
  summary: string;
  opened_at: Created;
  resolved_at: Timestamp | null;
}
export interface IncidentEventTable {
  id: Generated<string>;
  incident_id: string;
  at: Created;
  what: string;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
}
export type ShieldSetting = 'auto' | 'on' | 'off';
export interface ShieldSettingsTable {
  id: Generated<boolean>;
  mode: ShieldSetting;
  updated_at: Timestamp;
  updated_by: string;
}

export interface Database {
  venues: VenueTable;
  seats: SeatTable;
  ga_areas: GaAreaTable;
  events: EventTable;
  price_categories: PriceCategoryTable;
  performances: PerformanceTable;
  holds: HoldTable;
  performance_seats: PerformanceSeatTable;
  performance_ga_areas: PerformanceGaAreaTable;
  ga_stock: GaStockTable;
  hold_ga_items: HoldGaItemTable;
  orders: OrderTable;
  payment_attempts: PaymentAttemptTable;
  tickets: TicketTable;
  checkout_records: CheckoutRecordTable;
  outbox: OutboxTable;
  audit_log: AuditLogTable;
  waiting_rooms: WaitingRoomTable;
  incidents: IncidentTable;
  incident_events: IncidentEventTable;
  shield_settings: ShieldSettingsTable;
  csp_reports: CspReportTable;
}

export type Order = Selectable<OrderTable>;
export type NewOutboxMessage = Insertable<OutboxTable>;
