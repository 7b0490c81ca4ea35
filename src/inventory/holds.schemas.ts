import { Type } from '@fastify/type-provider-typebox';
import { Uuid } from '../catalog/catalog.schemas.js';
import { badRequest } from '../platform/errors.js';
import type { HoldRequest } from './holds.service.js';

/** One flat body so that errors can name the field; `toHoldRequest` says which shape it is. */
export const HoldBody = Type.Object({
  categoryId: Type.Optional(Uuid),
  gaAreaId: Type.Optional(Uuid),
  quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  seatIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 100 })),
}, { additionalProperties: false, description: 'One of { categoryId, quantity }, { seatIds }, { gaAreaId, quantity }' });

export function toHoldRequest(body: { categoryId?: string; gaAreaId?: string; quantity?: number; seatIds?: string[] }): HoldRequest {
  const given = [body.seatIds && 'seatIds', body.gaAreaId && 'gaAreaId', body.categoryId && 'categoryId'].filter(Boolean);
  if (given.length !== 1) {
    throw badRequest('invalid_request', 'body needs exactly one of seatIds, gaAreaId or categoryId', { field: 'body' });
  }
  if (body.seatIds) {
    if (body.quantity !== undefined) throw badRequest('invalid_request', 'body.quantity does not go with seatIds', { field: 'body.quantity' });
    return { kind: 'seats', seatIds: body.seatIds };
  }
  if (body.quantity === undefined) throw badRequest('invalid_request', 'body.quantity is required', { field: 'body.quantity' });
  return body.gaAreaId
    ? { kind: 'ga', gaAreaId: body.gaAreaId, quantity: body.quantity }
    : { kind: 'best', categoryId: body.categoryId!, quantity: body.quantity };
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

export const AvailabilityResponse = Type.Object({
  status: Type.String(),
  categories: Type.Array(Type.Object({ id: Uuid, name: Type.String(), price: Type.Integer(), currency: Type.String(), available: Type.Integer() })),
  seats: Type.Array(Type.Object({
    id: Uuid, label: Type.String(), section: Type.String(), row: Type.String(), number: Type.Integer(),
    x: Type.Number(), y: Type.Number(), categoryId: Uuid, status: Type.String(),
  })),
  gaAreas: Type.Array(Type.Object({ id: Uuid, name: Type.String(), categoryId: Uuid, capacity: Type.Integer(), available: Type.Integer() })),
});
