import { Type } from '@fastify/type-provider-typebox';
import { Uuid } from '../catalog/catalog.schemas.js';

export const BlockKind = Type.Union([Type.Literal('house'), Type.Literal('production'), Type.Literal('accessibility'), Type.Literal('other')], {
  description: 'house seats, a production kill, accessibility seats, or other',
});

const Quantity = Type.Integer({ minimum: 1, maximum: 10_000 });
export const SeatIds = Type.Array(Uuid, { minItems: 1, maxItems: 500 });

export const CreateBlockBody = Type.Object(
  {
    kind: BlockKind,
    note: Type.Optional(Type.String({ maxLength: 500 })),
    seatIds: Type.Optional(SeatIds),
    ga: Type.Optional(Type.Array(Type.Object({ gaAreaId: Uuid, quantity: Quantity }, { additionalProperties: false }), { minItems: 1, maxItems: 20 })),
  },
  { additionalProperties: false, description: 'Seats and/or GA places to keep from sale; at least one of seatIds and ga.' },
);

export const ReleaseBlocksBody = Type.Object(
  {
    blockId: Type.Optional(Uuid),
    seatIds: Type.Optional(SeatIds),
    ga: Type.Optional(Type.Array(Type.Object({ gaAreaId: Uuid, quantity: Quantity }, { additionalProperties: false }), { minItems: 1, maxItems: 20 })),
  },
  {
    additionalProperties: false,
    description:
      '{ blockId } releases the whole block; { seatIds } releases those seats from whatever blocks they are in ' +
      '(only from blockId if given); { blockId, ga } releases GA places of that block.',
  },
);

export const BlockResponse = Type.Object({
  id: Uuid,
  kind: BlockKind,
  note: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.Union([Type.String(), Type.Null()], { description: 'staff:<id>, key:<id> or break_glass' }),
  createdAt: Type.String({ format: 'date-time' }),
  quantity: Type.Integer({ description: 'seats plus GA places still blocked' }),
  seats: Type.Array(Type.Object({ id: Uuid, label: Type.String(), section: Type.String(), row: Type.String(), number: Type.Integer(), categoryId: Uuid })),
  ga: Type.Array(Type.Object({ gaAreaId: Uuid, name: Type.String(), quantity: Type.Integer() })),
});

export const BlocksResponse = Type.Object({ blocks: Type.Array(BlockResponse) });

export const ReleasedResponse = Type.Object({
  released: Type.Object({ seats: Type.Integer(), ga: Type.Integer() }),
  blocks: Type.Array(BlockResponse, { description: 'the blocks still active on the performance' }),
});
