import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
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
 * schema's bytes (written by `statusJson`), the load signal. What it leaves out is Fastify's per-request machinery:
 * routing, request and reply objects, hooks, and the per-request log line (errors are still
 * logged). A path with a query string falls through to the Fastify route, which answers the same.
 */
export function createStatusFastLane(ctx: AppContext, clientAddress: ReturnType<typeof createClientAddress>, logError: (error: unknown) => void) {
  const { shield, waitingRoom } = ctx;

  function send(res: ServerResponse, status: number, body: string, retryAfter?: number): void {
    const headers = ['content-type', JSON_TYPE, 'cache-control', 'no-store', 'content-length', String(Buffer.byteLength(body))];
    if (retryAfter) headers.push('retry-after', String(retryAfter));
    res.writeHead(status, headers);
    res.end(body);
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let status = 200;
    let refused = false;
    if (shield.enabled) shield.shedder.requestStarted();
    try {
      const refusal = shield.enabled ? await shield.gate('queue_status', clientAddress.of(req)) : undefined;
      if (refusal) {
        refused = true;
        status = refusal.status;
        send(res, status, refusalBody(refusal), refusal.retryAfter);
        return;
      }
      send(res, 200, statusJson(await waitingRoom.status(req.headers.authorization)));
    } catch (error) {
      if (error instanceof AppError) {
        status = error.status;
        const retryAfter = typeof error.details.retryAfter === 'number' ? error.details.retryAfter : undefined;
        send(res, status, JSON.stringify({ error: { code: error.code, message: error.status >= 500 ? 'Internal error' : error.message, ...error.details } }), retryAfter);
      } else {
        status = 500;
        logError(error);
        if (!res.headersSent) send(res, 500, '{"error":{"code":"internal","message":"Internal error"}}');
      }
    } finally {
      if (shield.enabled) {
        shield.shedder.requestEnded();
        if (status >= 500 && !refused) shield.detector.failed();
      }
      // The load signal times checkout routes only; status answers count for their status code.
      waitingRoom.load.observe(status, ROUTE, 0);
    }
  }

  /** True when the request was taken; otherwise Fastify handles it. */
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.url !== ROUTE || req.method !== 'GET') return false;
    void serve(req, res);
    return true;
  };
}
