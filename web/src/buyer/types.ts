/** The buyer-facing API's response shapes (see /api/openapi.json). Prices are in minor units. */
import type { EventLanguage, PerformanceStatus, PriceCategory } from '../shared/catalog-types.js';

export type { EventDetail, EventPerformance, PerformanceStatus, PriceCategory } from '../shared/catalog-types.js';

export interface EventListItem {
  id: string;
  slug: string;
  title: string;
  language: EventLanguage;
  performances: { id: string; startsAt: string; status: PerformanceStatus; timeZone: string }[];
}

/** `GET /api/performances/:id`: one performance with its event and venue. */
export interface PerformanceDetail {
  id: string;
  startsAt: string;
  doorsAt: string | null;
  onSaleAt: string | null;
  offSaleAt: string | null;
  status: PerformanceStatus;
  event: { id: string; slug: string; title: string; language: EventLanguage; maxTicketsPerOrder: number };
  venue: { id: string; name: string; timeZone: string };
}

export type SeatStatus = 'available' | 'held' | 'sold';

export interface Seat {
  id: string;
  label: string;
  section: string;
  row: string;
  number: number;
  x: number;
  y: number;
  categoryId: string;
  status: SeatStatus;
}

export interface GaArea {
  id: string;
  name: string;
  categoryId: string;
  capacity: number;
  available: number;
}

export interface Availability {
  status: PerformanceStatus;
  categories: (PriceCategory & { available: number })[];
  seats: Seat[];
  gaAreas: GaArea[];
}

/**
 * `GET /api/performances/:id/availability/status`: what the page polls. It lists the seats that
 * are held or sold without telling which (see availability-status.ts).
 */
export interface AvailabilityStatus {
  status: PerformanceStatus;
  categories: { id: string; available: number }[];
  unavailableSeatIds: string[];
  gaAreas: { id: string; available: number }[];
}

export interface HoldItem {
  seatId?: string;
  gaAreaId?: string;
  categoryId: string;
  price: number;
  currency: string;
  label: string;
}

export interface Hold {
  holdId: string;
  performanceId: string;
  status: 'active' | 'released' | 'expired' | 'converted';
  expiresAt: string;
  items: HoldItem[];
}

export interface PaymentSession {
  provider: string;
  sessionId: string;
  url: string;
}

export interface CreatedOrder {
  orderId: string;
  accessToken: string;
  payment: PaymentSession;
}

export interface Ticket {
  id: string;
  code: string;
  status: 'valid' | 'void';
  label: string;
  categoryName: string;
  price: number;
  currency: string;
  checkedInAt: string | null;
}

export interface Order {
  id: string;
  status: 'pending_payment' | 'paid' | 'expired' | 'refunded' | 'cancelled';
  buyer: { name: string; email: string; locale: string };
  performance: { id: string; startsAt: string; eventTitle: string; eventSlug: string; venueName: string; timeZone: string };
  holdId: string;
  total: number;
  currency: string;
  paidAt: string | null;
  payment: PaymentSession | null;
  tickets: Ticket[];
}
