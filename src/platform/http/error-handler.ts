import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, PG, pgCode } from '../errors.js';
import { refusals } from '../metrics.js';
import { databaseUnavailable, EXPECTED_REFUSALS, isDatabaseUnavailable } from '../outages.js';

interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  params?: Record<string, unknown>;
  message?: string;
}

/** `body` + `/buyer/email` -> `buyer.email`; a missing property names itself. */
function fieldOf(issue: ValidationIssue): string {
  const path = (issue.instancePath ?? '').split('/').filter(Boolean);
  if (issue.keyword === 'required' && typeof issue.params?.missingProperty === 'string') {
    path.push(issue.params.missingProperty);
  }
  if (issue.keyword === 'additionalProperties' && typeof issue.params?.additionalProperty === 'string') {
    path.push(issue.params.additionalProperty);
  }
  return path.join('.');
}

/**
 * An AppError as the client sees it: its status, the body (the text of a 5xx hidden) and the
 * Retry-After of a refusal that says when to come back. Also used by the queue-status fast lane,
 * which answers outside Fastify.
 */
export function appErrorAnswer(error: AppError): { status: number; body: { error: Record<string, unknown> }; retryAfter?: number } {
  // An expected refusal's text says what to do (retry shortly); any other 5xx's may say too much.
  const message = error.status >= 500 && !EXPECTED_REFUSALS.has(error.code) ? 'Internal error' : error.message;
  const retryAfter = typeof error.details.retryAfter === 'number' ? error.details.retryAfter : undefined;
  return { status: error.status, body: { error: { code: error.code, message, ...error.details } }, retryAfter };
}

/**
 * One handler turns every error into `{ error: { code, message, ... } }`. A lost database is a
 * 503 `database_unavailable` with `Retry-After`, like contention (`busy`) and the queue store
 * being away (`queue_unavailable`): expected refusals are counted, not logged per request (the
 * database's and the queue store's state changes are logged once where they are noticed).
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((thrown: FastifyError | AppError, request, reply) => {
    const error = !(thrown instanceof AppError) && isDatabaseUnavailable(thrown) ? databaseUnavailable() : thrown;
    if (error instanceof AppError) {
      const answer = appErrorAnswer(error);
      // Any refusal that says when to come back says it in the header clients and proxies read.
      if (answer.retryAfter !== undefined) reply.header('Retry-After', String(answer.retryAfter));
      if (error.status === 503 && EXPECTED_REFUSALS.has(error.code)) refusals.inc({ code: error.code });
      else if (error.status >= 500) request.log.error({ err: error }, 'request failed');
      return reply.status(answer.status).send(answer.body);
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      const issue = fastifyError.validation[0] as ValidationIssue | undefined;
      const part = fastifyError.validationContext ?? 'body';
      const field = issue ? fieldOf(issue) : '';
      const where = field ? `${part}.${field}` : part;
      return reply.status(400).send({
        error: { code: 'invalid_request', message: `${where} ${issue?.message ?? 'is invalid'}`, field: where },
      });
    }
    const code = pgCode(error);
    if (code === PG.lockNotAvailable || code === PG.deadlock || code === PG.serializationFailure) {
      refusals.inc({ code: 'busy' });
      reply.header('Retry-After', '1');
      return reply.status(503).send({ error: { code: 'busy', message: 'Too much contention; retry shortly' } });
    }
    const status = fastifyError.statusCode ?? 500;
    if (status < 500) {
      const errCode = fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type' : status === 413 ? 'payload_too_large' : 'bad_request';
      return reply.status(status).send({ error: { code: errCode, message: fastifyError.message } });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send({ error: { code: 'internal', message: 'Internal error' } });
  });
}

/** Unknown API routes answer in the error format. */
export function routeNotFound(request: FastifyRequest, reply: FastifyReply) {
  return reply.status(404).send({ error: { code: 'route_not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` } });
}
