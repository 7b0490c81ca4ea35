import { Type, type Static } from '@fastify/type-provider-typebox';
import { Uuid } from '../catalog/catalog.schemas.js';

/** The order list's and the orders export's filters (the same on both). */
export const OrderFilterQuery = {
  email: Type.Optional(Type.String({ maxLength: 254 })),
  performanceId: Type.Optional(Uuid),
  status: Type.Optional(
    Type.Union([Type.Literal('pending_payment'), Type.Literal('paid'), Type.Literal('expired'), Type.Literal('refunded'), Type.Literal('cancelled')]),
  ),
  channel: Type.Optional(Type.Union([Type.Literal('online'), Type.Literal('box_office'), Type.Literal('comp')])),
  dateField: Type.Optional(
    Type.Union([Type.Literal('created'), Type.Literal('paid')], { description: 'which date `from` and `to` bound: when the order was made (default) or paid' }),
  ),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'inclusive' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'exclusive' })),
};
const OrderFilterObject = Type.Object(OrderFilterQuery);
export type OrderFilterInput = Static<typeof OrderFilterObject>;

const Money = Type.Integer({ description: 'minor units' });

const Totals = Type.Object({
  orders: Type.Integer({ description: 'paid orders, comps apart' }),
  tickets: Type.Integer({ description: 'valid tickets of paid orders, comps apart' }),
  revenue: Money,
  compOrders: Type.Integer(),
  comps: Type.Integer({ description: 'complimentary tickets: counted apart, no revenue' }),
});
const ByCategory = Type.Object({
  categoryId: Uuid,
  name: Type.String(),
  price: Money,
  currency: Type.String(),
  tickets: Type.Integer(),
  revenue: Money,
  comps: Type.Integer(),
});
const ByChannel = Type.Object({
  channel: Type.String({ description: 'online, box_office or comp' }),
  paymentMethod: Type.String({ description: 'card, cash, card_present or none' }),
  orders: Type.Integer(),
  tickets: Type.Integer(),
  revenue: Money,
  currency: Type.Union([Type.String(), Type.Null()]),
});
const Breakdown = {
  currency: Type.Union([Type.String(), Type.Null()]),
  totals: Totals,
  byCategory: Type.Array(ByCategory),
  byChannel: Type.Array(ByChannel),
};

export const PerformanceSalesBreakdown = Type.Object({ performanceId: Uuid, eventId: Uuid, ...Breakdown });
export const EventSalesBreakdown = Type.Object({
  eventId: Uuid,
  ...Breakdown,
  performances: Type.Array(
    Type.Object({
      performanceId: Uuid,
      startsAt: Type.String(),
      status: Type.String(),
      archived: Type.Boolean(),
      tickets: Type.Integer(),
      revenue: Money,
      comps: Type.Integer(),
    }),
  ),
});
