import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { createChainStatus } from './audit-chain.status.js';
import { searchAuditLog } from './audit.repository.js';

const Hash = Type.String({ pattern: '^[0-9a-f]{64}$' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const AuditEntry = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String(),
  action: Type.String(),
  subjectType: Type.String(),
  subjectId: Type.String(),
  ip: Nullable(Type.String()),
  data: Type.Object({}, { additionalProperties: true }),
  seq: Nullable(Type.Integer()),
  prevHash: Nullable(Hash),
  hash: Nullable(Hash),
  sealedAt: Nullable(Type.String({ format: 'date-time' })),
});

const Finding = Type.Object({
  kind: Type.Union([Type.Literal('altered'), Type.Literal('removed'), Type.Literal('inserted'), Type.Literal('head'), Type.Literal('unsealed')]),
  seq: Type.Optional(Type.Integer()),
  id: Type.Optional(Type.String()),
  message: Type.String(),
});

const ChainStatus = Type.Object({
  head: Nullable(Type.Object({ seq: Type.Integer(), hash: Hash, sealedAt: Type.String({ format: 'date-time' }) })),
  unsealed: Type.Integer({ description: 'rows not sealed yet (the sealer seals committed rows within about a second)' }),
  staleUnsealed: Type.Integer({ description: 'unsealed rows older than a minute: the sealer is not running' }),
  verified: Type.Object({
    ok: Type.Boolean(),
    checked: Type.Integer(),
    firstProblem: Type.Optional(Finding),
    at: Type.String({ format: 'date-time', description: 'when this result was reached (refreshed in the background once it is a minute old)' }),
    fullAt: Type.String({
      format: 'date-time',
      description: 'when the whole chain was last walked (every 15 minutes; rows sealed since are walked at each refresh)',
    }),
  }),
});

/**
 * The audit log for operators: entries with their place in the chain, and the chain's state.
 * Both need `audit.read` (owner, admin, security), checked by the permission guard.
 */
export const auditRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const chain = createChainStatus(ctx.db);

  app.get(
    '/api/admin/audit',
    {
      config: { permission: 'audit.read' },
      schema: {
        operationId: 'searchAuditLog',
        summary: 'Search the audit log',
        tags: ['admin'],
        querystring: Type.Object({
          actor: Type.Optional(Type.String({ maxLength: 200 })),
          action: Type.Optional(Type.String({ maxLength: 200, description: 'a prefix of the dotted code: `sales.order` finds `sales.order.refunded`' })),
          subjectType: Type.Optional(Type.String({ maxLength: 100 })),
          subjectId: Type.Optional(Type.String({ maxLength: 100 })),
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          offset: Type.Integer({ minimum: 0, default: 0 }),
        }),
        response: { 200: Type.Object({ entries: Type.Array(AuditEntry) }) },
      },
    },
    async (request) => {
      const rows = await searchAuditLog(ctx.db, request.query);
      return {
        entries: rows.map((r) => ({
          id: String(r.id),
          at: r.at.toISOString(),
          actor: r.actor,
          action: r.action,
          subjectType: r.subject_type,
          subjectId: r.subject_id,
          ip: r.ip,
          data: r.data,
          seq: r.seq,
          prevHash: r.prev_hash,
          hash: r.hash,
          sealedAt: r.sealed_at?.toISOString() ?? null,
        })),
      };
    },
  );

  app.get(
    '/api/admin/audit/chain',
    {
      config: { permission: 'audit.read' },
      schema: {
        operationId: 'getAuditChainStatus',
        summary: "Check that the audit log's hash chain is unbroken",
        tags: ['admin'],
        response: { 200: ChainStatus },
      },
    },
    async () => chain.get(),
  );
};
