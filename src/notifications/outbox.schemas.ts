import { Type } from '@fastify/type-provider-typebox';
import type { OutboxMessage } from './outbox.repository.js';

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const Status = Type.Union([Type.Literal('queued'), Type.Literal('sent'), Type.Literal('kept'), Type.Literal('failed')], {
  description: 'queued: waiting to be sent; sent; kept: no SMTP configured, readable here; failed: refused 5 times',
});

export const OutboxListQuery = Type.Object({
  status: Type.Optional(Status),
  recipient: Type.Optional(Type.String({ minLength: 1, maxLength: 320, description: 'Exact address, case-insensitive' })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});

export const OutboxIdParams = Type.Object({ id: Uuid });

const summaryFields = {
  id: Uuid,
  kind: Type.String(),
  recipient: Type.String(),
  locale: Type.String(),
  subject: Type.String(),
  status: Status,
  attempts: Type.Integer(),
  createdAt: DateTime,
  sentAt: Type.Union([DateTime, Type.Null()]),
  bodyText: Type.String(),
};

export const OutboxMessageSummary = Type.Object(summaryFields);

export const OutboxListResponse = Type.Object({
  messages: Type.Array(OutboxMessageSummary),
  total: Type.Integer({ description: 'Messages matching the filter, ignoring limit and offset' }),
});

export const OutboxMessageDetail = Type.Object({
  ...summaryFields,
  bodyHtml: Type.String(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  orderId: Type.Union([Uuid, Type.Null()]),
});

export function presentSummary(message: OutboxMessage) {
  return {
    id: message.id,
    kind: message.kind,
    recipient: message.recipient,
    locale: message.locale,
    subject: message.subject,
    status: message.status,
    attempts: message.attempts,
    createdAt: message.created_at.toISOString(),
    sentAt: message.sent_at ? message.sent_at.toISOString() : null,
    bodyText: message.body_text,
  };
}

export function presentDetail(message: OutboxMessage) {
  return { ...presentSummary(message), bodyHtml: message.body_html, lastError: message.last_error, orderId: message.order_id };
}
