import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { actorFor } from '../platform/http/permission-guard.js';
import { ErrorResponse } from '../platform/http/schemas.js';
import type { WidgetListItem } from './widgets.service.js';

const WidgetView = Type.Object({
  name: Type.String(),
  title: Type.String(),
  url: Type.String(),
  origin: Type.String(),
  classes: Type.Array(Type.String(), { description: 'Page classes the configuration names (never payment, account or operator)' }),
  connect: Type.Array(Type.String(), { description: 'Origins besides its own the frame may connect to' }),
  approved: Type.Record(Type.String(), Type.Boolean(), { description: 'Per configured class: whether the script inventory approves it there' }),
  shownOn: Type.Array(Type.String(), { description: 'Classes it appears on with the switch as it is' }),
  disabled: Type.Boolean(),
  reason: Type.Union([Type.String(), Type.Null()]),
  changedBy: Type.Union([Type.String(), Type.Null()]),
  changedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const widgetView = (w: WidgetListItem) => ({ ...w, changedAt: w.changedAt?.toISOString() ?? null });

const Name = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$', description: 'The widget name from WIDGETS' });
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/**
 * The widgets and their kill switch. Switching one off needs no second factor (in an emergency it
 * must be quick); switching it back on does. Both are audited and in effect on every process
 * within 5 seconds.
 */
export const widgetsRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const tags = ['admin', 'security'];

  app.get(
    '/api/admin/widgets',
    {
      config: { permission: 'security.read' },
      schema: {
        operationId: 'listWidgets',
        summary: 'List the third-party widgets and their kill switches',
        tags,
        description: 'Every configured third-party widget: where it may appear, what the script inventory approves, and its kill switch.',
        response: { 200: Type.Object({ widgets: Type.Array(WidgetView), warnings: Type.Array(Type.String()) }), ...errors },
      },
    },
    async () => ({ widgets: (await ctx.widgets.list()).map(widgetView), warnings: [...ctx.config.widgetWarnings] }),
  );

  for (const action of ['disable', 'enable'] as const) {
    app.post(
      `/api/admin/widgets/:name/${action}`,
      {
        config: { permission: 'widgets.manage', sudo: action === 'enable' },
        schema: {
          operationId: `${action}Widget`,
          summary: action === 'disable' ? 'Switch a widget off on every page' : 'Switch a widget back on',
          tags,
          description:
            action === 'disable'
              ? 'The kill switch: hides the widget on every page of every process within 5 s. Audited as `widgets.widget.disabled`.'
              : 'Shows the widget again where it is approved (needs a fresh second factor). Audited as `widgets.widget.enabled`.',
          params: Type.Object({ name: Name }),
          // No body at all is fine too: in an emergency `curl -X POST` is enough.
          body: Type.Union([Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }), Type.Null()]),
          response: { 200: WidgetView, ...errors },
        },
      },
      async (request) =>
        widgetView(
          await ctx.widgets.setDisabled({
            name: request.params.name,
            disabled: action === 'disable',
            reason: request.body?.reason,
            actor: actorFor(request),
            ip: request.ip,
          }),
        ),
    );
  }
};
