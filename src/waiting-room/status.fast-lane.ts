import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { appErrorAnswer } from '../platform/http/error-handler.js';
import { requestRecorder } from '../platform/http/request-metrics.js';
import type { createClientAddress } from '../shield/client-address.js';
import { refusalBody } from '../shield/shield.hooks.js';
import { statusJson } from './status.js';

const ROUTE = '/api/queue/status';
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * `GET /api/queue/status` served straight from the HTTP server, before Fastify routes the
 * request. It is the one request every fan in line repeats every few seconds, so its cost per
 * request sets how many fans a core can keep in line. It runs what the Fastify route runs, in
 * the same order: the shield's gate (limits, shedding), the status service, the response
 * schema's bytes (written by `statusJson`). What it leaves out is Fastify's per-request machinery:
 * routing, request and reply objects, hooks, and the per-request log line (errors are still
 * logged). A path with a query string falls through to the Fastify route, which answers the same.
 */
export function createStatusFastLane(ctx: AppContext, clientAddress: ReturnType<typeof createClientAddress>, logError: (error: unknown) => void) {
  const { shield, waitingRoom } = ctx;
  // Bound once: a poll is counted and timed without looking its labels up.
  const recorder = requestRecorder('queue_status');

  function send(res: ServerResponse, status: number, body: string, retryAfter?: number): void {
    const headers = [
      'content-type',
      JSON_TYPE,
      'cache-control',
      'no-store',
      'x-content-type-options',
      'nosniff',
      'content-length',
      String(Buffer.byteLength(body)),
    ];
    if (retryAfter) headers.push('retry-after', String(retryAfter));
    res.writeHead(status, headers);
    res.end(body);
  }

  /**
   * Answers, then tells the shield how the request ended and counts it. (Status answers are not
   * checkout: the load signal does not hear of them.)
   */
  function finish(res: ServerResponse, started: number, status: number, body: string, retryAfter?: number, refused = false): void {
    if (!res.headersSent) send(res, status, body, retryAfter);
    shield.requestEnded(status, refused);
    recorder.record(status, (performance.now() - started) / 1000);
  }

  function failed(res: ServerResponse, started: number, error: unknown): void {
    if (error instanceof AppError) {
      const answer = appErrorAnswer(error);
      finish(res, started, answer.status, JSON.stringify(answer.body), answer.retryAfter);
      return;
    }
    logError(error);
    finish(res, started, 500, '{"error":{"code":"internal","message":"Internal error"}}');
  }

  /**
   * No promise unless the store answers with one (Redis): with the memory store a poll is
   * answered within the event that delivered it.
   */
  function serve(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now();
    if (shield.enabled) shield.shedder.requestStarted();
    try {
      const client = clientAddress.client(req);
      const refusal = shield.gateNow('queue_status', client.ip, client.prefix);
      if (refusal) {
        finish(res, started, refusal.status, refusalBody(refusal), refusal.retryAfter, true);
        return;
      }
      const answer = waitingRoom.status(req.headers.authorization);
      if (answer instanceof Promise) {
        answer.then(
          (a) => finish(res, started, 200, statusJson(a)),
          (error: unknown) => failed(res, started, error),
        );
        return;
      }
      finish(res, started, 200, statusJson(answer));
    } catch (error) {
      failed(res, started, error);
    }
  }

  /** True when the request was taken; otherwise Fastify handles it. */
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.url !== ROUTE || req.method !== 'GET') return false;
    serve(req, res);
    return true;
  };
}
