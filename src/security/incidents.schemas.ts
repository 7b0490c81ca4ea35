import { Type } from '@fastify/type-provider-typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });

export const IncidentCategory = Type.Union(
  [
    Type.Literal('ddos'),
    Type.Literal('script_compromise'),
    Type.Literal('credential_stuffing'),
    Type.Literal('staff_access'),
    Type.Literal('data_exposure'),
    Type.Literal('other'),
  ],
  { description: 'what the incident is; the detectors name their own `kind` (traffic_flood, admin_token_guessing, script_compromise)' },
);
export const IncidentSeverity = Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Literal('critical')]);
export const IncidentStatus = Type.Union([Type.Literal('open'), Type.Literal('contained'), Type.Literal('resolved')]);

/** One incident of any kind, as every incident route answers it. */
export const Incident = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  category: IncidentCategory,
  status: IncidentStatus,
  title: Type.String(),
  summary: Type.String(),
  severity: IncidentSeverity,
  owner: Nullable(Type.String()),
  openedBy: Type.String({ description: '`system` for the detectors, else the staff member or key' }),
  openedAt: DateTime,
  awareAt: Type.String({ format: 'date-time', description: 'when Taquilla became aware: the 72-hour regulator clock (GDPR Art. 33) starts here' }),
  regulatorDeadline: DateTime,
  containedAt: Nullable(DateTime),
  resolvedAt: Nullable(DateTime),
  timeline: Type.Array(Type.Object({ at: DateTime, what: Type.String(), details: Type.Record(Type.String(), Type.Unknown()) })),
});
