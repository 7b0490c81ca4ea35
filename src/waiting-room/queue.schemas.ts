import { Type, type Static } from '@fastify/type-provider-typebox';
import { Uuid } from '../catalog/catalog.schemas.js';

const Int = Type.Integer({ minimum: 0 });
const Language = Type.Union([Type.Literal('en'), Type.Literal('es'), Type.Literal('fr'), Type.Literal('nl'), Type.Literal('nb')], {
  description: 'A fan-facing language',
});
const RoomState = Type.Union([Type.Literal('pre_queue'), Type.Literal('open'), Type.Literal('paused'), Type.Literal('closed'), Type.Literal('sold_out')]);

export const QueueKeyHeaders = Type.Object({
  'x-queue-key': Type.Optional(
    Type.String({
      minLength: 8,
      maxLength: 128,
      pattern: '^[\\x21-\\x7e]+$',
      description: 'A random id the queue page keeps for this device, so joining again gives the same ticket back; without it each join is a new place',
    }),
  ),
});

export const Joined = Type.Object({
  queueTicket: Type.String(),
  /** The id the draw ranks; with the revealed seed anyone can recompute its rank. */
  ticketId: Type.String(),
  performanceId: Uuid,
  state: Type.Union([Type.Literal('pre_queue'), Type.Literal('waiting'), Type.Literal('admitted')]),
});

export const Status = Type.Object({
  state: Type.Union([
    Type.Literal('pre_queue'),
    Type.Literal('waiting'),
    Type.Literal('admitted'),
    Type.Literal('sold_out'),
    Type.Literal('paused'),
    Type.Literal('closed'),
    Type.Literal('expired'),
  ]),
  performanceId: Uuid,
  position: Int,
  ahead: Int,
  admissionsPerMinute: Int,
  eta: Type.Object({ low: Int, high: Int }, { description: 'Seconds until admission: best and worst case' }),
  ticketsLeft: Int,
  message: Type.Optional(Type.String({ description: 'In English, when more people are ahead (or in the draw) than tickets are left' })),
  demand: Type.Optional(
    Type.Integer({ minimum: 0, description: 'With message: the people ahead (in the draw before the sale), for a page to say it in its own language' }),
  ),
  accessToken: Type.Optional(Type.String({ description: 'Send as X-Access-Token when creating a hold' })),
});

export const Summary = Type.Object({
  performanceId: Uuid,
  enabled: Type.Boolean({ description: 'false: the room is switched off and holds need no access token' }),
  state: RoomState,
  served: Int,
  waiting: Int,
  entrants: Int,
  admissionsPerMinute: Int,
  allowedPerMinute: Int,
  ticketsLeft: Int,
  opensAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  updatedAt: Type.String({ format: 'date-time' }),
  eventTitle: Type.String({ description: "The event's title in the language asked for (`lang`, else Accept-Language) when it has one, else in its own" }),
  eventLanguage: Language,
  startsAt: Type.String({ format: 'date-time', description: 'When the performance starts' }),
  venueName: Type.String(),
  timeZone: Type.String({ description: "The venue's IANA time zone (America/Puerto_Rico): show `startsAt` and `opensAt` in it" }),
});

// Other parameters are ignored, as before `lang` existed (a client's cache-buster keeps working).
export const SummaryQuery = Type.Object({ lang: Type.Optional(Language) });

export const Fairness = Type.Object({
  state: RoomState,
  commitment: Type.String({ description: 'hex sha256 of the seed, published before opening' }),
  algorithm: Type.String(),
  seed: Type.Optional(Type.String({ description: 'hex, revealed at opening' })),
  drawnAt: Type.Optional(Type.String({ format: 'date-time' })),
  entrants: Type.Optional(Int),
});

const Bounds = {
  maxInCheckout: Type.Integer({ minimum: 1, maximum: 100_000 }),
  maxAdmissionsPerMinute: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  graceSeconds: Type.Integer({ minimum: 5, maximum: 3600 }),
  startLimitSeconds: Type.Integer({ minimum: 10, maximum: 3600 }),
};

export const RoomPatch = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    maxInCheckout: Type.Optional(Bounds.maxInCheckout),
    maxAdmissionsPerMinute: Type.Optional(Bounds.maxAdmissionsPerMinute),
    graceSeconds: Type.Optional(Bounds.graceSeconds),
    startLimitSeconds: Type.Optional(Bounds.startLimitSeconds),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type RoomPatch = Static<typeof RoomPatch>;

export const RoomView = Type.Object({
  performanceId: Uuid,
  enabled: Type.Boolean(),
  state: Type.Union([RoomState, Type.Null()]),
  bounds: Type.Object(Bounds),
  joined: Int,
  served: Int,
  waiting: Int,
  activeInCheckout: Int,
  admissionsPerMinute: Int,
  conversion: Type.Number({ description: 'Share of admitted fans who made a hold' }),
  abandoned: Type.Integer({ description: 'Skipped because they had stopped polling' }),
  admitted: Int,
  lapsed: Type.Integer({ description: 'Admitted but made no hold within the start limit' }),
  ticketsLeft: Type.Union([Int, Type.Null()]),
  movedTo: Type.Union([Uuid, Type.Null()]),
});

export const ActionParams = Type.Object({ id: Uuid, action: Type.Union([Type.Literal('pause'), Type.Literal('resume'), Type.Literal('close')]) });
export const Moved = Type.Object({ from: Uuid, to: Uuid, moved: Int });
