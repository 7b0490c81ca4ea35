/** Shapes of the admin API's answers, as the console uses them (see /api/openapi.json). */
import type { EventPerformance, PerformanceStatus } from '../shared/catalog-types';

export type { EventDetail, PerformanceStatus, PriceCategory } from '../shared/catalog-types';
/** A performance of an event, as the event detail lists it. */
export type PerformanceDetail = EventPerformance;

export interface VenueSummary {
  id: string;
  name: string;
  timeZone?: string;
  seatCount: number | string;
  gaCapacity: number | string;
  archivedAt?: string | null;
}

export interface VenueDetail {
  id: string;
  name: string;
  /** IANA: the dates of its performances are read and entered in it. */
  timeZone: string;
  contactEmails?: string[];
  archivedAt?: string | null;
  seats: { id: string; section: string; row: string; number: number; label: string; x: number; y: number; rank: number }[];
  gaAreas: { id: string; name: string; capacity: number; x: number; y: number }[];
}

/** `GET /api/admin/events/:id`. */
export interface AdminEventDetail {
  id: string;
  slug: string;
  title: string;
  description: string;
  defaultLanguage: 'en' | 'es' | 'fr' | 'nl' | 'nb';
  translations: Partial<Record<'en' | 'es' | 'fr' | 'nl' | 'nb', { title?: string; description?: string }>>;
  maxTicketsPerOrder: number;
  maxTicketsPerCustomer: number | null;
  producerEmails: string[];
}

export interface EventListItem {
  id: string;
  slug: string;
  title: string;
  /** timeZone: the venue's, for its dates. */
  performances: { id: string; startsAt: string; status: PerformanceStatus; venueName?: string; timeZone: string; archivedAt?: string | null }[];
  archivedAt?: string | null;
}

export interface SalesReport {
  status: PerformanceStatus;
  capacity: number;
  sold: number;
  held: number;
  /** Kept from sale by staff blocks (absent from servers before issue 14). */
  blocked?: number;
  available: number;
  revenue: number;
  currency: string | null;
  orders: { paid: number; pending: number; refunded: number; cancelled: number; expired: number; comp?: number };
  compTickets?: number;
  ticketsValid: number;
  checkedIn: number;
}

export interface TimelinePoint {
  minute: string;
  tickets: number;
  revenue: number;
}

export interface OrderSummary {
  id: string;
  status: string;
  buyerName: string;
  buyerEmail: string;
  total: number;
  currency: string;
  performanceId: string;
  /** online, box_office or comp; how it was paid (card, cash, card_present, none). */
  channel?: string;
  paymentMethod?: string;
  createdAt: string;
  paidAt: string | null;
}

export interface OrderTicket {
  id: string;
  code: string;
  status: string;
  label: string;
  categoryName: string;
  price: number;
  currency: string;
  seatId: string | null;
  gaAreaId: string | null;
  checkedInAt: string | null;
}

export interface OrderDetail {
  id: string;
  status: string;
  buyer: { name: string; email: string; locale: string };
  performance: { id: string; startsAt: string; eventTitle: string; eventSlug: string; venueName: string; timeZone: string };
  holdId: string;
  total: number;
  currency: string;
  createdAt: string;
  paidAt: string | null;
  payment: { provider: string; sessionId: string; url: string } | null;
  tickets: OrderTicket[];
  /** Staff view: the refunds made, oldest first, and their sum in minor units (absent from older servers). */
  refunds?: OrderRefund[];
  refunded?: number;
}

export interface OrderRefund {
  id: string;
  amount: number;
  currency: string;
  ticketIds: string[];
  /** null when no online payment was refunded (paid at the counter, or free). */
  providerRefundId: string | null;
  actor: string;
  reason: string | null;
  createdAt: string;
}

export interface RefundAnswer {
  id: string;
  status: string;
  refundId?: string;
  amount: number;
  currency: string;
  ticketIds: string[];
  refund: OrderRefund;
  replayed?: true;
}

export type OutboxStatus = 'queued' | 'sent' | 'kept' | 'failed';

export interface OutboxSummary {
  id: string;
  kind: string;
  recipient: string;
  locale: string;
  subject: string;
  status: OutboxStatus;
  attempts: number;
  createdAt: string;
  sentAt: string | null;
  bodyText: string;
}

export interface OutboxDetail extends OutboxSummary {
  bodyHtml: string;
  lastError: string | null;
  orderId: string | null;
}
