import { Type } from '@fastify/type-provider-typebox';
import { Uuid } from '../catalog/catalog.schemas.js';

export const Language = Type.Union([Type.Literal('en'), Type.Literal('es'), Type.Literal('fr'), Type.Literal('nl'), Type.Literal('nb')], {
  description: 'the language of the confirmation email and the PDF tickets',
});

const GaLines = Type.Array(
  Type.Object(
    {
      gaAreaId: Uuid,
      quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
      blockId: Type.Optional(Type.String({ format: 'uuid', description: 'take the places out of this block instead of free stock' })),
    },
    { additionalProperties: false },
  ),
  { minItems: 1, maxItems: 20 },
);

const Stock = {
  seatIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 500, description: 'seats that are available or blocked' })),
  ga: Type.Optional(GaLines),
};

export const CompBody = Type.Object(
  {
    ...Stock,
    reason: Type.String({ minLength: 1, maxLength: 500, description: 'why the tickets are given away; audited and kept on the order' }),
    recipient: Type.Object(
      { name: Type.String({ minLength: 1, maxLength: 200 }), email: Type.String({ format: 'email', maxLength: 254 }), locale: Language },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const CounterSaleBody = Type.Object(
  {
    ...Stock,
    paymentMethod: Type.Union([Type.Literal('cash'), Type.Literal('card_present')], { description: 'taken at the counter, not by the online provider' }),
    buyer: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Type.String({ maxLength: 200 })),
          email: Type.Optional(Type.String({ format: 'email', maxLength: 254, description: 'given: the confirmation is sent here' })),
          locale: Type.Optional(Language),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const DeskHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'A retry with the same key and body answers the same order; scoped to the credential' }),
  ),
});

export const CounterHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 1,
    maxLength: 200,
    description: 'Any unique string per sale; a retry with the same key and body answers the same order (never a second sale)',
  }),
});

export const DeskSaleResponse = Type.Object({
  orderId: Uuid,
  accessToken: Type.String({ description: "The order's access token: GET /api/orders/:id and the PDF take it as Authorization: Bearer" }),
  status: Type.Literal('paid'),
  channel: Type.Union([Type.Literal('comp'), Type.Literal('box_office')]),
  paymentMethod: Type.Union([Type.Literal('none'), Type.Literal('cash'), Type.Literal('card_present')]),
  total: Type.Integer(),
  currency: Type.String(),
  buyer: Type.Object({ name: Type.String(), email: Type.String(), locale: Type.String() }),
  tickets: Type.Array(
    Type.Object({ id: Uuid, code: Type.String(), label: Type.String(), categoryName: Type.String(), price: Type.Integer(), currency: Type.String() }),
  ),
  ticketsPdfUrl: Type.String({ description: 'the tickets as a PDF (with the access token)' }),
  orderUrl: Type.String({ description: "the buyer's order page, with its access token" }),
  confirmationQueued: Type.Boolean(),
});
