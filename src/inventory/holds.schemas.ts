import { Type } from '@fastify/type-provider-typebox';
import { Uuid } from '../catalog/catalog.schemas.js';
import { badRequest } from '../platform/errors.js';
import type { HoldRequest } from './holds.service.js';

/** One flat body so that errors can name the field; `toHoldRequest` says which shape it is. */
export const HoldBody = Type.Object(
  {
    categoryId: Type.Optional(Uuid),
    gaAreaId: Type.Optional(Uuid),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    seatIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 100 })),
  },
  {
    additionalProperties: false,
    description: 'One of { categoryId, quantity }, { seatIds }, { gaAreaId, quantity }, or { seatIds, gaAreaId, quantity } for seats and GA places in one hold',
  },
);

/**
 * `{ seatIds }`, `{ categoryId, quantity }`, `{ gaAreaId, quantity }`, or `{ seatIds, gaAreaId,
 * quantity }` for seats and GA places in one hold (quantity then counts the GA places).
 */
export function toHoldRequest(body: { categoryId?: string; gaAreaId?: string; quantity?: number; seatIds?: string[] }): HoldRequest {
  const { seatIds, gaAreaId, categoryId, quantity } = body;
  if (categoryId && (seatIds || gaAreaId)) {
    throw badRequest('invalid_request', 'body.categoryId goes alone with quantity, not with seatIds or gaAreaId', { field: 'body.categoryId' });
  }
  if (!seatIds && !gaAreaId && !categoryId) {
    throw badRequest('invalid_request', 'body needs seatIds, gaAreaId or categoryId', { field: 'body' });
  }
  if (seatIds && !gaAreaId) {
    if (quantity !== undefined)
      throw badRequest('invalid_request', 'body.quantity goes with gaAreaId or categoryId, not with seatIds alone', { field: 'body.quantity' });
    return { seatIds };
  }
  if (quantity === undefined) throw badRequest('invalid_request', 'body.quantity is required', { field: 'body.quantity' });
  if (categoryId) return { best: { categoryId, quantity } };
  return { ...(seatIds ? { seatIds } : {}), ga: { gaAreaId: gaAreaId!, quantity } };
}

const Item = Type.Object({
  seatId: Type.Optional(Uuid),
  gaAreaId: Type.Optional(Uuid),
  categoryId: Uuid,
  price: Type.Integer(),
  currency: Type.String(),
  label: Type.String(),
});

export const HoldResponse = Type.Object({
  holdId: Uuid,
  performanceId: Uuid,
  status: Type.String({ description: 'active, released, expired or converted' }),
  expiresAt: Type.String({ format: 'date-time' }),
  items: Type.Array(Item),
});

export const PlacedHoldResponse = Type.Object({
  ...HoldResponse.properties,
  holdToken: Type.String({
    description: "Shown to the hold's maker only (again on an Idempotency-Key retry): GET, DELETE and ordering the hold need Authorization: Bearer <holdToken>",
  }),
});

export const AvailabilityResponse = Type.Object({
  status: Type.String(),
  categories: Type.Array(Type.Object({ id: Uuid, name: Type.String(), price: Type.Integer(), currency: Type.String(), available: Type.Integer() })),
  seats: Type.Array(
    Type.Object({
      id: Uuid,
      label: Type.String(),
      section: Type.String(),
      row: Type.String(),
      number: Type.Integer(),
      x: Type.Number(),
      y: Type.Number(),
      categoryId: Uuid,
      status: Type.String(),
    }),
  ),
  gaAreas: Type.Array(Type.Object({ id: Uuid, name: Type.String(), categoryId: Uuid, capacity: Type.Integer(), available: Type.Integer() })),
});

export const AvailabilityStatusResponse = Type.Object({
  status: Type.String(),
  categories: Type.Array(Type.Object({ id: Uuid, available: Type.Integer() })),
  unavailableSeatIds: Type.Array(Uuid),
  gaAreas: Type.Array(Type.Object({ id: Uuid, available: Type.Integer() })),
});
