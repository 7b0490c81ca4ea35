import { Type, type Static } from '@fastify/type-provider-typebox';

export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid });
const DateTime = Type.String({ format: 'date-time' });
const Name = Type.String({ minLength: 1, maxLength: 200 });
/** Producers of an event, or contacts of a venue: told when an incident pauses or resumes a sale (security/incident-stakeholders.ts). */
const Emails = Type.Array(Type.String({ format: 'email', maxLength: 254 }), { maxItems: 10 });
/** An IANA time zone (America/Puerto_Rico): every date of a performance at the venue is shown in it. Checked by the service. */
const TimeZone = Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. America/Puerto_Rico; default UTC' });
/** The languages an event's texts can be written in; the buyer pages speak the same five. */
export const EventLanguage = Type.Union([Type.Literal('en'), Type.Literal('es'), Type.Literal('fr'), Type.Literal('nl'), Type.Literal('nb')]);
const EventTextsInput = Type.Object(
  { title: Type.Optional(Type.String({ maxLength: 200 })), description: Type.Optional(Type.String({ maxLength: 5000 })) },
  { additionalProperties: false },
);
/** Title and description in languages other than the default; a missing one falls back to the default's. */
const Translations = Type.Object(
  {
    en: Type.Optional(EventTextsInput),
    es: Type.Optional(EventTextsInput),
    fr: Type.Optional(EventTextsInput),
    nl: Type.Optional(EventTextsInput),
    nb: Type.Optional(EventTextsInput),
  },
  { additionalProperties: false },
);
const TranslationsOut = Type.Record(Type.String(), Type.Object({ title: Type.Optional(Type.String()), description: Type.Optional(Type.String()) }));
/** `?lang=es`: the language to give event texts in (else Accept-Language, else the event's default). */
export const LangQuery = Type.Object({ lang: Type.Optional(Type.String({ maxLength: 35 })) });

export const VenueInput = Type.Object(
  {
    name: Name,
    timeZone: Type.Optional(TimeZone),
    contactEmails: Type.Optional(Emails),
    seats: Type.Array(
      Type.Object(
        {
          section: Type.String({ minLength: 1, maxLength: 60 }),
          row: Type.String({ minLength: 1, maxLength: 20 }),
          number: Type.Integer({ minimum: 0, maximum: 100_000 }),
          label: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
          x: Type.Number(),
          y: Type.Number(),
          /** Lower is better; defaults to the order given (list seats best first). */
          rank: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 100_000 },
    ),
    gaAreas: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 60 }),
          capacity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
          x: Type.Optional(Type.Number()),
          y: Type.Optional(Type.Number()),
        },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);
export type VenueInput = Static<typeof VenueInput>;

/**
 * Paid and pending tickets per performance per account or buyer email, across orders; null: no
 * limit. One nullable type rather than a union with null: the validator's type coercion would
 * otherwise turn a refused 0 into null and clear the limit.
 */
const MaxPerCustomer = Type.Unsafe<number | null>({ type: 'integer', minimum: 1, maximum: 1000, nullable: true });

export const EventInput = Type.Object(
  {
    slug: Type.String({ pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', minLength: 1, maxLength: 80 }),
    title: Name,
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    /** The language of title and description (default en). */
    defaultLanguage: Type.Optional(EventLanguage),
    translations: Type.Optional(Translations),
    maxTicketsPerOrder: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    maxTicketsPerCustomer: Type.Optional(MaxPerCustomer),
    producerEmails: Type.Optional(Emails),
    priceCategories: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 60 }),
          /** In minor units (cents). */
          price: Type.Integer({ minimum: 0, maximum: 100_000_000 }),
          currency: Type.String({ pattern: '^[A-Z]{3}$' }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50 },
    ),
  },
  { additionalProperties: false },
);
export type EventInput = Static<typeof EventInput>;

export const PerformanceInput = Type.Object(
  {
    venueId: Uuid,
    startsAt: DateTime,
    doorsAt: Type.Optional(DateTime),
    /** Sales open by themselves at this time (the performance must be `scheduled`). */
    onSaleAt: Type.Optional(DateTime),
    /** Sales close by themselves at this time; after onSaleAt when both are set. */
    offSaleAt: Type.Optional(DateTime),
    /** Which seats and GA areas each price category sells; whatever no entry names is not for sale. */
    pricing: Type.Array(
      Type.Object(
        {
          categoryId: Uuid,
          sections: Type.Optional(Type.Array(Type.String(), { maxItems: 200 })),
          seatIds: Type.Optional(Type.Array(Uuid, { maxItems: 100_000 })),
          gaAreaIds: Type.Optional(Type.Array(Uuid, { maxItems: 100 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50 },
    ),
  },
  { additionalProperties: false },
);
export type PerformanceInput = Static<typeof PerformanceInput>;

export const PerformanceStatus = Type.Union([
  Type.Literal('scheduled'),
  Type.Literal('on_sale'),
  Type.Literal('paused'),
  Type.Literal('sold_out'),
  Type.Literal('closed'),
  Type.Literal('cancelled'),
]);

export const PerformanceSummary = Type.Object({ id: Uuid, startsAt: DateTime, status: PerformanceStatus, timeZone: Type.String() });
/** A venue as the catalog names it: dates of its performances are read in its time zone. */
const VenueRef = Type.Object({ id: Uuid, name: Type.String(), timeZone: Type.String() });

export const EventListItem = Type.Object({
  id: Uuid,
  slug: Type.String(),
  title: Type.String(),
  /** The language the title is in (the one asked for, or the event's default). */
  language: EventLanguage,
  performances: Type.Array(PerformanceSummary),
});

export const VenueDetail = Type.Object({
  id: Uuid,
  name: Type.String(),
  timeZone: Type.String(),
  contactEmails: Type.Array(Type.String()),
  /** When it was archived (hidden from the console's default list); null while listed. */
  archivedAt: Type.Optional(Type.Union([DateTime, Type.Null()])),
  seats: Type.Array(
    Type.Object({
      id: Uuid,
      section: Type.String(),
      row: Type.String(),
      number: Type.Integer(),
      label: Type.String(),
      x: Type.Number(),
      y: Type.Number(),
      rank: Type.Integer(),
    }),
  ),
  gaAreas: Type.Array(Type.Object({ id: Uuid, name: Type.String(), capacity: Type.Integer(), x: Type.Number(), y: Type.Number() })),
});

export const EventDetail = Type.Object({
  id: Uuid,
  slug: Type.String(),
  title: Type.String(),
  description: Type.String(),
  language: EventLanguage,
  maxTicketsPerOrder: Type.Integer(),
  maxTicketsPerCustomer: Type.Union([Type.Integer(), Type.Null()]),
  priceCategories: Type.Array(Type.Object({ id: Uuid, name: Type.String(), price: Type.Integer(), currency: Type.String() })),
  performances: Type.Array(
    Type.Object({
      id: Uuid,
      startsAt: DateTime,
      doorsAt: Type.Union([DateTime, Type.Null()]),
      onSaleAt: Type.Union([DateTime, Type.Null()]),
      offSaleAt: Type.Union([DateTime, Type.Null()]),
      status: PerformanceStatus,
      venue: VenueRef,
    }),
  ),
});

/** Edits: every field optional, at least one given. */
export const EventPatch = Type.Object(
  {
    title: Type.Optional(Name),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    defaultLanguage: Type.Optional(EventLanguage),
    /** Replaced whole; `{}` removes every translation. */
    translations: Type.Optional(Translations),
    maxTicketsPerOrder: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    maxTicketsPerCustomer: Type.Optional(MaxPerCustomer),
    producerEmails: Type.Optional(Emails),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type EventPatch = Static<typeof EventPatch>;

/** `null` clears doors, on-sale or off-sale time. */
export const PerformancePatch = Type.Object(
  {
    startsAt: Type.Optional(DateTime),
    doorsAt: Type.Optional(Type.Union([DateTime, Type.Null()])),
    onSaleAt: Type.Optional(Type.Union([DateTime, Type.Null()])),
    offSaleAt: Type.Optional(Type.Union([DateTime, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PerformancePatch = Static<typeof PerformancePatch>;

export const PriceCategoryPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    /** In minor units (cents). */
    price: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PriceCategoryPatch = Static<typeof PriceCategoryPatch>;

export const VenuePatch = Type.Object(
  { name: Type.Optional(Name), timeZone: Type.Optional(TimeZone), contactEmails: Type.Optional(Emails) },
  { additionalProperties: false, minProperties: 1 },
);
export type VenuePatch = Static<typeof VenuePatch>;
export const VenueEdited = Type.Object({ id: Uuid, name: Type.String(), timeZone: Type.String(), contactEmails: Type.Array(Type.String()) });

export const EventEdited = Type.Object({
  id: Uuid,
  slug: Type.String(),
  title: Type.String(),
  description: Type.String(),
  defaultLanguage: EventLanguage,
  translations: TranslationsOut,
  maxTicketsPerOrder: Type.Integer(),
  maxTicketsPerCustomer: Type.Union([Type.Integer(), Type.Null()]),
  producerEmails: Type.Array(Type.String()),
});
export const PerformanceEdited = Type.Object({
  id: Uuid,
  eventId: Uuid,
  status: PerformanceStatus,
  startsAt: DateTime,
  doorsAt: Type.Union([DateTime, Type.Null()]),
  onSaleAt: Type.Union([DateTime, Type.Null()]),
  offSaleAt: Type.Union([DateTime, Type.Null()]),
});
export const PriceCategoryEdited = Type.Object({ id: Uuid, eventId: Uuid, name: Type.String(), price: Type.Integer(), currency: Type.String() });

export const AdminEventListItem = Type.Object({
  id: Uuid,
  slug: Type.String(),
  title: Type.String(),
  maxTicketsPerOrder: Type.Integer(),
  producerEmails: Type.Array(Type.String()),
  priceCategories: Type.Array(Type.Object({ id: Uuid, name: Type.String(), price: Type.Integer(), currency: Type.String() })),
  performances: Type.Array(
    Type.Object({
      id: Uuid,
      startsAt: DateTime,
      status: PerformanceStatus,
      venueId: Uuid,
      venueName: Type.String(),
      timeZone: Type.String(),
      archivedAt: Type.Optional(Type.Union([DateTime, Type.Null()])),
    }),
  ),
  /** Set when archived (listed only with includeArchived). */
  archivedAt: Type.Optional(Type.Union([DateTime, Type.Null()])),
});

/**
 * The console's view of one event: the public detail (texts in the default language) with archived
 * performances and when each was archived, and what the operator edits (every translation, limits, producers).
 */
export const AdminEventDetail = Type.Object({
  ...EventDetail.properties,
  ...EventEdited.properties,
  archivedAt: Type.Union([DateTime, Type.Null()]),
  performances: Type.Array(Type.Object({ ...EventDetail.properties.performances.items.properties, archivedAt: Type.Union([DateTime, Type.Null()]) })),
});

export const PerformanceDetail = Type.Object({
  id: Uuid,
  startsAt: DateTime,
  doorsAt: Type.Union([DateTime, Type.Null()]),
  onSaleAt: Type.Union([DateTime, Type.Null()]),
  offSaleAt: Type.Union([DateTime, Type.Null()]),
  status: PerformanceStatus,
  event: Type.Object({ id: Uuid, slug: Type.String(), title: Type.String(), language: EventLanguage, maxTicketsPerOrder: Type.Integer() }),
  venue: VenueRef,
});
