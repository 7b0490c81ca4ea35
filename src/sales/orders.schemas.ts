import { Type } from '@fastify/type-provider-typebox';
import { Uuid } from '../catalog/catalog.schemas.js';

export const BuyerBody = Type.Object(
  {
    buyer: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 200 }),
        email: Type.String({ format: 'email', maxLength: 254 }),
        locale: Type.String({ pattern: '^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$', maxLength: 35 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 1,
    maxLength: 200,
    description: 'Any unique string per checkout attempt; a retry with the same key returns the same order',
  }),
  'x-taquilla-storefront': Type.Optional(Type.String({ maxLength: 100 })),
  'x-taquilla-build': Type.Optional(Type.String({ maxLength: 100 })),
  'x-taquilla-page-class': Type.Optional(Type.String({ maxLength: 20, pattern: '^[a-z]+$' })),
  'x-taquilla-widgets': Type.Optional(
    Type.String({ maxLength: 400, pattern: '^[a-z0-9,-]*$', description: 'Comma-separated names of the widget frames on the checkout page (none expected)' }),
  ),
});

const Payment = Type.Object({ provider: Type.String(), sessionId: Type.String(), url: Type.String() });

export const CreatedOrderResponse = Type.Object({ orderId: Uuid, accessToken: Type.String(), payment: Payment });

export const PaymentBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });

export const PaidResponse = Type.Object({
  status: Type.Literal('paid'),
  tickets: Type.Array(Type.Object({ id: Uuid, code: Type.String() }), {
    description: "The codes: on the paying answer, to the token that paid for a few minutes after, and with the order's access token",
  }),
  ticketsWithheld: Type.Optional(
    Type.Boolean({ description: "true when the order was paid already and this request shows neither the order's access token nor the token that paid" }),
  ),
});

export const OrderResponse = Type.Object({
  id: Uuid,
  status: Type.String({ description: 'pending_payment, paid, expired, refunded or cancelled' }),
  buyer: Type.Object({ name: Type.String(), email: Type.String(), locale: Type.String() }),
  performance: Type.Object({
    id: Uuid,
    startsAt: Type.String(),
    eventTitle: Type.String({ description: "In the language asked for (?lang=), else the order's" }),
    eventSlug: Type.String(),
    venueName: Type.String(),
    timeZone: Type.String({ description: "The venue's IANA time zone: startsAt is shown in it" }),
  }),
  holdId: Uuid,
  total: Type.Integer(),
  currency: Type.String(),
  createdAt: Type.String(),
  paidAt: Type.Union([Type.String(), Type.Null()]),
  payment: Type.Union([Payment, Type.Null()]),
  tickets: Type.Array(
    Type.Object({
      id: Uuid,
      code: Type.String(),
      status: Type.String(),
      label: Type.String(),
      categoryName: Type.String(),
      price: Type.Integer(),
      currency: Type.String(),
      seatId: Type.Union([Uuid, Type.Null()]),
      gaAreaId: Type.Union([Uuid, Type.Null()]),
      checkedInAt: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});
