/** Catalog answers both the buyer pages and the console read (see /api/openapi.json). Prices are in minor units. */
export type EventLanguage = 'en' | 'es' | 'fr' | 'nl' | 'nb';
export type PerformanceStatus = 'scheduled' | 'on_sale' | 'paused' | 'sold_out' | 'closed' | 'cancelled';

export interface PriceCategory {
  id: string;
  name: string;
  price: number;
  currency: string;
}

/** A performance as `GET /api/events/:idOrSlug` lists it. */
export interface EventPerformance {
  id: string;
  startsAt: string;
  doorsAt: string | null;
  onSaleAt: string | null;
  /** Sales close by themselves at this time. */
  offSaleAt: string | null;
  status: PerformanceStatus;
  /** Its dates are shown in the venue's IANA time zone. */
  venue: { id: string; name: string; timeZone: string };
  /** The console's view only: when it was archived (hidden from the public). */
  archivedAt?: string | null;
}

export interface EventDetail {
  id: string;
  slug: string;
  title: string;
  description: string;
  /** The language title and description are in: the one asked for, or the event's default. */
  language: EventLanguage;
  maxTicketsPerOrder: number;
  priceCategories: PriceCategory[];
  performances: EventPerformance[];
  /** The console's view only: when it was archived. */
  archivedAt?: string | null;
}
