import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../catalog/catalog.schemas.js';
import type { AppContext } from '../platform/context.js';
import { notFound } from '../platform/errors.js';
import { actorFor } from '../platform/http/permission-guard.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { BlockResponse, BlocksResponse, CreateBlockBody, ReleaseBlocksBody, ReleasedResponse } from './blocks.schemas.js';
import { createBlock, listBlocks, releaseBlocks } from './blocks.service.js';

/** Seat blocks (holds-back and kills) of a performance: list, create, release. */
export const blocksRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const tags = ['admin'];

  app.get(
    '/api/admin/performances/:id/blocks',
    {
      // Whoever follows a performance's sales sees what is kept from sale (a box office sells house seats).
      config: { permission: 'sales.read', scope: { of: 'performance' } },
      schema: {
        operationId: 'listBlocks',
        summary: "List a performance's seat blocks",
        tags,
        params: IdParams,
        description: 'The active blocks of a performance, oldest first, with the seats and GA places each still keeps from sale.',
        response: { 200: BlocksResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const performance = await ctx.db.selectFrom('performances').select('id').where('id', '=', request.params.id).executeTakeFirst();
      if (!performance) throw notFound('performance', request.params.id);
      return { blocks: await listBlocks(ctx.db, request.params.id) };
    },
  );

  app.post(
    '/api/admin/performances/:id/blocks',
    {
      config: { permission: 'inventory.block', scope: { of: 'performance' } },
      schema: {
        operationId: 'createBlock',
        summary: 'Keep seats and GA places from sale',
        tags,
        params: IdParams,
        body: CreateBlockBody,
        description:
          'Keeps seats and GA places from sale (house seats, a production kill, accessibility seats), with a kind and a note; ' +
          'the block never expires. All or nothing: a seat held, sold or already blocked is a 409 `seats_unavailable` naming each ' +
          'seat and its state; too few free GA places is a 409 `not_enough_inventory`. Audited as `inventory.block.created`.',
        response: { 201: BlockResponse, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request, reply) => reply.status(201).send(await createBlock(ctx, request.params.id, request.body, actorFor(request))),
  );

  app.post(
    '/api/admin/performances/:id/blocks/release',
    {
      config: { permission: 'inventory.block', scope: { of: 'performance' } },
      schema: {
        operationId: 'releaseBlocks',
        summary: 'Put blocked seats and GA places back on sale',
        tags,
        params: IdParams,
        body: ReleaseBlocksBody,
        description:
          'Puts blocked seats and GA places back on sale, all or nothing: a seat that is not blocked (or not in `blockId`) is a 409 ' +
          '`seat_not_blocked` naming it. A sold-out performance with stock back is on sale again. Audited as `inventory.block.released`.',
        response: { 200: ReleasedResponse, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request) => releaseBlocks(ctx, request.params.id, request.body, actorFor(request)),
  );
};
