import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { Uuid } from '../catalog/catalog.schemas.js';
import type { AppContext } from '../platform/context.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import { findStaffById, listStaff } from './staff.repository.js';
import { inviteStaff, reinviteStaff, staffView, updateStaff } from './staff.service.js';

const Role = Type.Union([
  Type.Literal('owner'),
  Type.Literal('admin'),
  Type.Literal('event_manager'),
  Type.Literal('box_office'),
  Type.Literal('door'),
  Type.Literal('support'),
  Type.Literal('security'),
]);
const Limits = {
  eventIds: Type.Optional(Type.Array(Uuid, { maxItems: 500, description: 'event_manager: the events they manage' })),
  performanceIds: Type.Optional(Type.Array(Uuid, { maxItems: 500, description: 'door: the performances they scan for (empty: any)' })),
  refundLimit: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'box_office: largest refund, minor units' })),
};
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
export const StaffView = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.String(),
  role: Role,
  status: Type.String({ description: 'invited, active or disabled' }),
  eventIds: Type.Array(Uuid),
  performanceIds: Type.Array(Uuid),
  refundLimit: Type.Union([Type.Integer(), Type.Null()]),
  factors: Type.Object({ totp: Type.Boolean(), passkeys: Type.Integer(), recoveryCodesLeft: Type.Integer() }),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  disabledReason: Type.Union([Type.String(), Type.Null()]),
});
const Invited = Type.Object({ staff: StaffView, invitationUrl: Type.String() });
const IdParams = Type.Object({ id: Uuid });

/** The staff list and its changes. Inviting, changing a role or limits, and disabling need sudo. */
export const staffRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const tags = ['admin', 'accounts'];

  app.get(
    '/api/admin/staff',
    {
      config: { permission: 'staff.read' },
      schema: { operationId: 'listStaff', summary: 'List the staff accounts', tags, response: { 200: Type.Object({ staff: Type.Array(StaffView) }) } },
    },
    async () => ({
      staff: await Promise.all((await listStaff(ctx.db)).map((row) => staffView(ctx, row))),
    }),
  );

  app.post(
    '/api/admin/staff',
    {
      config: { permission: 'staff.manage', sudo: true },
      schema: {
        operationId: 'inviteStaff',
        summary: 'Invite a person to the console',
        tags,
        description: 'Invites a person: an account in the `invited` state and an email with a single-use link (72 hours), also answered here once.',
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' }),
            name: Type.Optional(Type.String({ maxLength: 200 })),
            role: Role,
            ...Limits,
          },
          { additionalProperties: false },
        ),
        response: { 201: Invited, ...errors },
      },
    },
    async (request, reply) => {
      const { staff, invitationUrl } = await inviteStaff(ctx, request.principal!, request.body);
      return reply.status(201).send({ staff: await staffView(ctx, staff), invitationUrl });
    },
  );

  app.patch(
    '/api/admin/staff/:id',
    {
      config: { permission: 'staff.manage', sudo: true },
      schema: {
        operationId: 'updateStaff',
        summary: "Change a staff account's name, role, limits or status",
        tags,
        params: IdParams,
        description:
          'Changes a name, role, limits or status (`disabled` ends every session of the account at once). Only an owner grants or takes the owner role; the last active owner stays.',
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ maxLength: 200 })),
            role: Type.Optional(Role),
            status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
            ...Limits,
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: StaffView, ...errors },
      },
    },
    async (request) => updateStaff(ctx, request.principal!, request.params.id, request.body),
  );

  app.post(
    '/api/admin/staff/:id/invitation',
    {
      config: { permission: 'staff.manage', sudo: true },
      schema: {
        operationId: 'reinviteStaff',
        summary: 'Send a staff member a new invitation link',
        tags,
        params: IdParams,
        response: { 201: Type.Object({ invitationUrl: Type.String() }), ...errors },
      },
    },
    async (request, reply) => {
      if (!(await findStaffById(ctx.db, request.params.id)))
        return reply.status(404).send({ error: { code: 'staff_not_found', message: 'No such staff member' } });
      return reply.status(201).send({ invitationUrl: await reinviteStaff(ctx, request.principal!, request.params.id) });
    },
  );
};
