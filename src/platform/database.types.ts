import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Table types for Kysely, kept by hand in step with `migrations/`. */
type Created = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type PerformanceStatus = 'scheduled' | 'on_sale' | 'paused' | 'sold_out' | 'closed' | 'cancelled';
export type SeatStatus = 'available' | 'held' | 'sold';
export type HoldStatus = 'active' | 'released' | 'expired' | 'converted';
export type OrderStatus = 'pending_payment' | 'paid' | 'expired' | 'refunded' | 'cancelled';

/** Email addresses as a text[] column: at most 10, stored lower-cased. */
type Emails = ColumnType<string[], string[] | undefined, string[]>;
export interface VenueTable {
  id: Generated<string>;
  name: string;
  created_at: Created;
  /** Told when an incident pauses or resumes the sale of an event here, or touches its buyers. */
  contact_emails: Emails;
  /** IANA time zone (America/Puerto_Rico): every date of a performance here is read in it. */
  time_zone: Generated<string>;
  /** Hidden from the console's default lists (migration 019); kept for its history. */
  archived_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
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
  /** Paid or pending tickets per performance per account or buyer email, across orders; null: no limit. */
  max_tickets_per_customer: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: Created;
  /** Told when an incident pauses or resumes this event's sale, or touches its buyers. */
  producer_emails: Emails;
  /** The language `title` and `description` are written in, and the fallback for any other. */
  default_language: Generated<EventLanguage>;
  /** Title and description in other languages: `{ es: { title, description } }`. */
  translations: ColumnType<EventTranslations, string | undefined, string>;
  /** Hidden from the public and the console's default lists (migration 019); kept for its history. */
  archived_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}
export type EventLanguage = 'en' | 'es' | 'fr' | 'nl' | 'nb';
export type EventTranslations = Partial<Record<EventLanguage, { title?: string; description?: string }>>;
export type OrderChannel = 'online' | 'box_office' | 'comp';
export type PaymentMethod = 'card' | 'cash' | 'card_present' | 'none';
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
  /** Hidden from the public and the console's default lists (migration 019); kept for its history. */
  archived_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
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
  /** A fan's `sale` hold (expires), a staff `block` (never expires), or the hold a comp or counter sale is made from. */
  purpose: ColumnType<HoldPurpose, HoldPurpose | undefined, HoldPurpose>;
  /** Why a block keeps its stock from sale; null for every other purpose. */
  block_kind: ColumnType<BlockKind | null, BlockKind | null | undefined, BlockKind | null>;
  note: ColumnType<string | null, string | null | undefined, string | null>;
  /** The staff member or key that made a block, comp or counter sale (audit actor form). */
  created_by: ColumnType<string | null, string | null | undefined, string | null>;
}
export type HoldPurpose = 'sale' | 'block' | 'comp' | 'box_office';
export type BlockKind = 'house' | 'production' | 'accessibility' | 'other';
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
  /** The customer account it belongs to (made signed in, or claimed); null for a guest order. */
  customer_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Where it was made: online, at the box office, or complimentary (no payment). */
  channel: ColumnType<OrderChannel, OrderChannel | undefined, OrderChannel>;
  /** How it was paid: the online provider's card, cash or card-present at the counter, or none (comp). */
  payment_method: ColumnType<PaymentMethod, PaymentMethod | undefined, PaymentMethod>;
  /** Why a complimentary order was issued (required for channel `comp`). */
  comp_reason: ColumnType<string | null, string | null | undefined, string | null>;
  /** The staff member or key that issued a comp or made a counter sale (audit actor form); null online. */
  created_by: ColumnType<string | null, string | null | undefined, string | null>;
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
  /** The page class the buyer paid on, and the widgets that page showed (none, on a payment page). */
  page_class: string | null;
  widgets: string[] | null;
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
  /** Higher goes first: order confirmations (0) before breach notifications (-1). */
  priority: Generated<number>;
  created_at: Created;
  sent_at: Timestamp | null;
}
/** One refund of an order: the whole of what was left, or chosen tickets. */
export interface RefundTable {
  id: Generated<string>;
  order_id: string;
  /** Minor units returned to the buyer. */
  amount: number;
  currency: string;
  ticket_ids: string[];
  /** The provider's refund id; null when no online payment was refunded (cash, comp). */
  provider_refund_id: string | null;
  actor: string;
  reason: string | null;
  idempotency_key: string | null;
  created_at: Created;
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
  /** The performance a move in progress goes to (set before it opens it); see migration 020. */
  moving_to: string | null;
  created_at: Created;
}

export type StaffRole = 'owner' | 'admin' | 'event_manager' | 'box_office' | 'door' | 'support' | 'security';
export type StaffStatus = 'invited' | 'active' | 'disabled';
export interface StaffTable {
  id: Generated<string>;
  email: string;
  name: Generated<string>;
  role: StaffRole;
  event_ids: ColumnType<string[], string[] | undefined, string[]>;
  performance_ids: ColumnType<string[], string[] | undefined, string[]>;
  refund_limit: number | null;
  status: ColumnType<StaffStatus, StaffStatus | undefined, StaffStatus>;
  disabled_reason: string | null;
  password_hash: string | null;
  password_changed_at: Timestamp | null;
  totp_secret: string | null;
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: Created;
  created_by: string;
  last_used_at: Timestamp | null;
}
export interface StaffInvitationTable {
  id: Generated<string>;
  staff_id: string;
  token_hash: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: Created;
}
export interface StaffPasskeyTable {
  id: Generated<string>;
  staff_id: string;
  credential_id: string;
  public_key: Buffer;
  counter: ColumnType<number, number | undefined, number>;
  transports: ColumnType<string[], string[] | undefined, string[]>;
  name: Generated<string>;
  created_at: Created;
  last_used_at: Timestamp | null;
}
export interface StaffRecoveryCodeTable {
  id: Generated<string>;
  staff_id: string;
  code_hash: string;
  used_at: Timestamp | null;
}
export type SessionKind = 'staff' | 'customer';
/** `password`: first factor only, a second is due; `enrol`: must enrol a second factor first; `signed_in`. */
export type SessionState = 'password' | 'enrol' | 'signed_in';
export interface SessionTable {
  id: string;
  kind: SessionKind;
  subject_id: string;
  state: SessionState;
  created_at: Created;
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
  idle_expires_at: Timestamp;
  absolute_expires_at: Timestamp;
  second_factor_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
  revoked_at: Timestamp | null;
  revoked_reason: string | null;
}
export type CustomerLocale = 'es' | 'en' | 'fr' | 'nl' | 'nb';
export interface CustomerTable {
  id: Generated<string>;
  email: string;
  email_verified_at: Timestamp | null;
  name: Generated<string>;
  password_hash: string;
  password_changed_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** An operator's forced reset: the next sign-in must set a new password (migration 010). */
  must_reset: ColumnType<boolean, boolean | undefined, boolean>;
  reset_requested_at: Timestamp | null;
  locale: ColumnType<CustomerLocale, CustomerLocale | undefined, CustomerLocale>;
  totp_secret: string | null;
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: Created;
  last_used_at: Timestamp | null;
  /** Flagged for monitoring by this incident (its orders show it to staff). */
  monitored_by_incident: ColumnType<string | null, string | null | undefined, string | null>;
}
export type CustomerTokenPurpose = 'verify_email' | 'reset_password';
export interface CustomerTokenTable {
  id: Generated<string>;
  customer_id: string;
  purpose: CustomerTokenPurpose;
  token_hash: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: Created;
}
export interface CustomerRecoveryCodeTable {
  id: Generated<string>;
  customer_id: string;
  code_hash: string;
  used_at: Timestamp | null;
}
/** A fan's passkey (migration 011), kept as staff's are. */
export interface CustomerPasskeyTable {
  id: Generated<string>;
  customer_id: string;
  credential_id: string;
  public_key: Buffer;
  counter: ColumnType<number, number | undefined, number>;
  transports: ColumnType<string[], string[] | undefined, string[]>;
  name: Generated<string>;
  created_at: Created;
  last_used_at: Timestamp | null;
}
/** What a WebAuthn challenge was made for: staff's ceremonies (migration 008) and fans' (migration 011). */
export type AuthChallengePurpose = 'passkey_register' | 'passkey_sign_in' | 'passkey_sudo' | 'customer_passkey_register' | 'customer_passkey_sign_in';
export interface AuthChallengeTable {
  id: string;
  purpose: AuthChallengePurpose;
  subject_id: string | null;
  challenge: string;
  expires_at: Timestamp;
}
/** An API key (migration 009): only the SHA-256 of its secret is kept. */
export interface ApiKeyTable {
  id: Generated<string>;
  public_id: string;
  secret_hash: string;
  name: string;
  permissions: string[];
  performance_ids: ColumnType<string[], string[] | undefined, string[]>;
  created_by: string;
  created_at: Created;
  expires_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
  revoked_reason: string | null;
}
/** One row per day the dormant-account job ran: its claim and what it disabled. */
export interface AccessReviewRunTable {
  /** A UTC date, read as text (`day::text`): node-postgres would make a local-midnight Date of it. */
  day: ColumnType<string, string, never>;
  ran_at: Created;
  dormant_days: number;
  disabled: ColumnType<DormantDisabled[], string | undefined, string>;
}
export interface DormantDisabled {
  type: 'staff' | 'api_key';
  id: string;
  name: string;
  role: string | null;
  lastUsedAt: string | null;
}

/** One row per kind of CSP violation, counted. */
export interface CspReportTable {
  signature: string;
  page_class: Generated<string>;
  document: string;
  directive: string;
  blocked: string;
  source: string;
  sample: string;
  count: Generated<number>;
  first_seen: Created;
  last_seen: Timestamp;
}

export interface WebBuildTable {
  build_id: string;
  manifest: ColumnType<unknown, string, string>;
  first_served_at: Created;
  last_served_at: ColumnType<Date, Date | undefined, Date>;
  processes: Generated<number>;
}

export interface WidgetSwitchTable {
  name: string;
  disabled: boolean;
  reason: Generated<string>;
  changed_by: string;
  changed_at: ColumnType<Date, Date | undefined, Date>;
}

export interface TamperCheckTable {
  id: Generated<string>;
  build_id: string;
  started_at: Date;
  finished_at: Created;
  ok: boolean;
  pages: ColumnType<unknown, string, string>;
  findings: ColumnType<unknown, string, string>;
  incident_id: string | null;
}

export type IncidentCategory = 'ddos' | 'script_compromise' | 'credential_stuffing' | 'staff_access' | 'data_exposure' | 'other';
export type IncidentStatus = 'open' | 'contained' | 'resolved';
export type IncidentSeverity = 'low' | 'medium' | 'high' | 'critical';
export interface IncidentTable {
  id: Generated<string>;
  kind: string;
  status: ColumnType<IncidentStatus, IncidentStatus | undefined, IncidentStatus>;
  summary: string;
  opened_at: Created;
  resolved_at: Timestamp | null;
  /** What the incident is, in the response's words; the detectors' kinds map onto it. */
  category: ColumnType<IncidentCategory, IncidentCategory | undefined, IncidentCategory>;
  title: string | null;
  severity: ColumnType<IncidentSeverity, IncidentSeverity | undefined, IncidentSeverity>;
  owner: string | null;
  /** When Taquilla became aware: the start of GDPR Art. 33's 72 hours. */
  aware_at: ColumnType<Date, Date | string | undefined, Date | string>;
  contained_at: Timestamp | null;
  /** `system` for the detectors' incidents (one open per kind), else who opened it. */
  opened_by: Generated<string>;
}
export interface IncidentScopeTable {
  id: Generated<string>;
  incident_id: string;
  criteria: ColumnType<unknown, string, never>;
  people: number;
  checkout_attempts: number;
  all_people: number;
  query_ms: number;
  created_by: string;
  created_at: Created;
  /** When the scope's list of people was complete (the count comes first). */
  ready_at: Timestamp | null;
}
export interface IncidentScopePersonTable {
  scope_id: string;
  email: string;
  name: string;
  locale: string;
  customer_id: string | null;
  attempts: number;
  paid_orders: number;
  first_at: Date;
  last_at: Date;
}
export type IncidentStep = 'notify' | 'reset' | 'flag' | 'revoke_staff';
export interface IncidentStepRunTable {
  id: Generated<string>;
  incident_id: string;
  scope_id: string | null;
  step: IncidentStep;
  status: ColumnType<'running' | 'done' | 'failed', 'running' | undefined, 'running' | 'done' | 'failed'>;
  total: Generated<number>;
  done: Generated<number>;
  failed: Generated<number>;
  started_by: string;
  started_at: Created;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  finished_at: Timestamp | null;
}
export interface IncidentStepPersonTable {
  incident_id: string;
  step: IncidentStep;
  email: string;
  outcome: string;
  at: Created;
}
export type StakeholderNoticeKind = 'sales_paused' | 'sales_resumed' | 'buyers_in_scope';
/** One per incident, kind, event and address: a stakeholder is told each thing once. */
export interface IncidentStakeholderNoticeTable {
  incident_id: string;
  kind: StakeholderNoticeKind;
  event_id: string;
  email: string;
  outbox_id: string | null;
  at: Created;
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
  refunds: RefundTable;
  audit_log: AuditLogTable;
  waiting_rooms: WaitingRoomTable;
  incidents: IncidentTable;
  incident_events: IncidentEventTable;
  shield_settings: ShieldSettingsTable;
  csp_reports: CspReportTable;
  staff: StaffTable;
  staff_invitations: StaffInvitationTable;
  staff_passkeys: StaffPasskeyTable;
  staff_recovery_codes: StaffRecoveryCodeTable;
  sessions: SessionTable;
  auth_challenges: AuthChallengeTable;
  api_keys: ApiKeyTable;
  access_review_runs: AccessReviewRunTable;
  customers: CustomerTable;
  customer_tokens: CustomerTokenTable;
  customer_recovery_codes: CustomerRecoveryCodeTable;
  customer_passkeys: CustomerPasskeyTable;
  web_builds: WebBuildTable;
  widget_switches: WidgetSwitchTable;
  tamper_checks: TamperCheckTable;
  incident_scopes: IncidentScopeTable;
  incident_scope_people: IncidentScopePersonTable;
  incident_step_runs: IncidentStepRunTable;
  incident_step_people: IncidentStepPersonTable;
  incident_stakeholder_notices: IncidentStakeholderNoticeTable;
}

export type Order = Selectable<OrderTable>;
export type NewOutboxMessage = Insertable<OutboxTable>;
