import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { notFound } from '../platform/errors.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { listBuilds, registeredManifest } from './builds.repository.js';
import { PAGE_CLASSES } from './page-classes.js';

const InventoryEntry = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('first-party'), Type.Literal('widget')]),
  chunks: Type.Optional(Type.Array(Type.String())),
  origin: Type.Optional(Type.String()),
  classes: Type.Array(Type.String()),
  purpose: Type.String(),
  owner: Type.String(),
  approved: Type.String(),
});

/**
 * What the console shows of payment-page integrity (PCI DSS 6.4.3): the script inventory this
 * process enforces, and the builds that have been served, each with its manifest (every script's
 * sha384) and how many checkouts ran it.
 */
export const integrityRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.get(
    '/api/admin/security/inventory',
    {
      config: { permission: 'security.read' },
      schema: {
        operationId: 'getScriptInventory',
        summary: 'Get the script inventory of the payment and account pages',
        tags: ['admin'],
        description: 'The committed script inventory: every script that may run on each page class, with its purpose, owner and approval.',
        response: {
          200: Type.Object({
            path: Type.String(),
            pageClasses: Type.Array(Type.String()),
            entries: Type.Array(InventoryEntry),
            currentBuild: Type.String(),
          }),
        },
      },
    },
    async () => ({
      path: ctx.config.scriptInventoryPath,
      pageClasses: [...PAGE_CLASSES],
      entries: ctx.inventory.entries,
      currentBuild: ctx.buildId,
    }),
  );

  app.get(
    '/api/admin/security/builds',
    {
      config: { permission: 'security.read' },
      schema: {
        operationId: 'listBuilds',
        summary: 'List the front-end builds that have been served',
        tags: ['admin'],
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })) }),
        response: {
          200: Type.Object({
            current: Type.String({ description: 'the build this process serves' }),
            builds: Type.Array(
              Type.Object({
                buildId: Type.String(),
                firstServedAt: Type.String({ format: 'date-time' }),
                lastServedAt: Type.String({ format: 'date-time' }),
                processStarts: Type.Integer(),
                checkouts: Type.Integer({ description: 'checkout records made by this build' }),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const rows = await listBuilds(ctx.db, request.query.limit ?? 20);
      return {
        current: ctx.buildId,
        builds: rows.map((r) => ({
          buildId: r.build_id,
          firstServedAt: r.first_served_at.toISOString(),
          lastServedAt: r.last_served_at.toISOString(),
          processStarts: r.processes,
          checkouts: Number(r.checkouts ?? 0),
        })),
      };
    },
  );

  app.get(
    '/api/admin/security/builds/:buildId',
    {
      config: { permission: 'security.read' },
      schema: {
        operationId: 'getBuild',
        summary: "Get a build's manifest of scripts and styles with their hashes",
        tags: ['admin'],
        params: Type.Object({ buildId: Type.String({ pattern: '^[0-9a-f]{16}$' }) }),
        response: {
          200: Type.Object({
            buildId: Type.String(),
            builtAt: Type.String(),
            inventory: Type.String(),
            pages: Type.Record(
              Type.String(),
              Type.Object({
                classes: Type.Array(Type.String()),
                scripts: Type.Array(Type.Object({ path: Type.String(), chunk: Type.String(), sha384: Type.String() })),
                styles: Type.Array(Type.Object({ path: Type.String(), sha384: Type.String() })),
              }),
            ),
          }),
          404: ErrorResponse,
        },
      },
    },
    async (request) => {
      const manifest = await registeredManifest(ctx.db, request.params.buildId);
      if (!manifest) throw notFound('build', request.params.buildId);
      return { buildId: manifest.buildId, builtAt: manifest.builtAt, inventory: manifest.inventory, pages: manifest.pages };
    },
  );
};
