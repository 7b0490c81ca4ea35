import Fastify, { type FastifyInstance } from 'fastify';
import { loggerOptions } from '../../platform/http/logger.js';
import { CHAT_CSS, CHAT_HTML, CHAT_JS } from './demo-chat.assets.js';

export { CHAT_JS } from './demo-chat.assets.js';

/**
 * The demo support-chat vendor: a third party on its own origin (DEMO_CHAT_PORT), embedded by the
 * buyer and queue pages in a sandboxed frame. It behaves as a careful vendor should: its own
 * strict CSP, at least as strong as the one Taquilla's `csp` attribute requires, so it needs no
 * `Allow-CSP-From` (which would let any embedder ask for anything); frames only on the app's
 * origins; a canned answer to messages.
 *
 * `setScript` plays a compromised vendor in tests: it replaces the script served (null restores it).
 */
export type DemoChatServer = FastifyInstance & { setScript(js: string | null): void };

const REPLY = 'Thanks for your message! This is a demo chat: nobody is reading it. For help with an order, use the link in your confirmation email.';

function originOf(value: string): string {
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`appOrigins: ${value} is not an http(s) origin`);
  return url.origin;
}

export function demoChatCsp(appOrigins: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'none'",
    "base-uri 'none'",
    `frame-ancestors ${appOrigins.join(' ')}`,
  ].join('; ');
}

export function buildDemoChatServer(opts: { appOrigins: string[]; logger?: boolean; script?: string }): DemoChatServer {
  const appOrigins = [...new Set(opts.appOrigins.map(originOf))];
  if (appOrigins.length === 0) throw new Error('appOrigins: name the origin of the pages that embed the chat');
  const csp = demoChatCsp(appOrigins);
  let script = opts.script ?? CHAT_JS;

  const app = Fastify({
    logger: opts.logger ? loggerOptions('info') : false,
    bodyLimit: 2 * 1024,
    ajv: { customOptions: { allErrors: false, removeAdditional: false, coerceTypes: false } },
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('Content-Security-Policy', csp);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cache-Control', 'no-store');
    return payload;
  });

  app.get('/chat', async (_request, reply) => reply.type('text/html; charset=utf-8').send(CHAT_HTML));
  app.get('/chat.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(script));
  app.get('/chat.css', async (_request, reply) => reply.type('text/css; charset=utf-8').send(CHAT_CSS));

  // The frame's origin is opaque ("null"), so its fetch is cross-origin. The answer is public and
  // cookie-less: `*` says so plainly (allowing "null" would admit any sandboxed page just the same).
  const cors = {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': 'POST',
    'Access-Control-Allow-Headers': 'content-type',
    'Access-Control-Max-Age': '600',
  };
  app.options('/messages', async (_request, reply) => reply.headers(cors).status(204).send());
  app.post<{ Body: { text: string } }>(
    '/messages',
    {
      schema: {
        body: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string', minLength: 1, maxLength: 500 } } },
      },
    },
    async (_request, reply) => reply.headers(cors).send({ reply: REPLY }),
  );

  return Object.assign(app, {
    setScript(js: string | null): void {
      script = js ?? opts.script ?? CHAT_JS;
    },
  });
}
