import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors.js';
import { loggerOptions } from '../../platform/http/logger.js';
import { FORM_CSS, FORM_JS } from './form-assets.js';
import { pickLanguage } from './form-i18n.js';
import { renderInvalidSessionPage, renderPaymentPage } from './form-page.js';
import { createTestPaymentProvider } from './test-provider.js';
import { CSP_REPORT_PATH, newNonce } from '../../security/page-policy.js';

/**
 * The test provider's own web server: the hosted card form and the endpoint that turns a card
 * into a token. It runs on a separate origin (PAYMENT_PORT) so card numbers never reach the app's
 * origin; the app embeds the form in an iframe and receives only the token by postMessage.
 */
interface TokenBody {
  sessionId: string;
  cardNumber: string;
  expiry: string;
  cvc: string;
}

const tokenBodySchema = {
  type: 'object',
  required: ['sessionId', 'cardNumber', 'expiry', 'cvc'],
  additionalProperties: false,
  properties: {
    sessionId: { type: 'string', minLength: 1, maxLength: 2048 },
    cardNumber: { type: 'string', minLength: 1, maxLength: 40 },
    expiry: { type: 'string', minLength: 1, maxLength: 16 },
    cvc: { type: 'string', minLength: 1, maxLength: 8 },
  },
} as const;

/** Only http(s) origins, compared exactly: the value ends up in a CSP header and a postMessage target. */
function originOf(name: string, value: string): string {
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${name} must be an http(s) origin`);
  return url.origin;
}

/** Schema errors name the body property, so the form can point at the field. */
function validationField(error: FastifyError): string {
  const issue = error.validation?.[0];
  if (!issue) return '';
  const params = issue.params as Record<string, unknown>;
  const named = params.missingProperty ?? params.additionalProperty;
  if (typeof named === 'string') return named;
  return issue.instancePath.split('/').filter(Boolean).join('.');
}

export async function buildTestPaymentServer(opts: { secret: string; paymentOrigin: string; appOrigin: string; logger?: boolean }): Promise<FastifyInstance> {
  const appOrigin = originOf('appOrigin', opts.appOrigin);
  // Same origin would put the card form, and so card numbers, inside the app's origin.
  if (appOrigin === originOf('paymentOrigin', opts.paymentOrigin)) throw new Error('The payment origin must differ from the app origin');
  const provider = createTestPaymentProvider({ secret: opts.secret, paymentOrigin: opts.paymentOrigin });
  const https = opts.paymentOrigin.startsWith('https:');
  // The same discipline as the app's payment pages: a nonce per response, 'strict-dynamic',
  // Trusted Types with no policy at all (the form needs none), framed only by the app, and
  // violations reported to the app, where a new one opens a script_compromise incident.
  const reportUri = `${appOrigin}${CSP_REPORT_PATH}`;
  const csp = (nonce: string) =>
    [
      "default-src 'none'",
      `script-src 'nonce-${nonce}' 'strict-dynamic' 'report-sample'`,
      `style-src 'nonce-${nonce}' 'report-sample'`,
      "img-src 'self'",
      "connect-src 'self'",
      "form-action 'none'",
      `frame-ancestors ${appOrigin}`,
      "base-uri 'none'",
      "object-src 'none'",
      "require-trusted-types-for 'script'",
      "trusted-types 'none'",
      ...(https ? ['upgrade-insecure-requests'] : []),
      `report-uri ${reportUri}`,
      ...(https ? ['report-to csp'] : []),
    ].join('; ');

  const app = Fastify({
    logger: opts.logger ? loggerOptions('info') : false,
    bodyLimit: 4 * 1024,
    // Session ids carry their claims and signature, so they are longer than Fastify's default 100.
    routerOptions: { maxParamLength: 2048 },
    // Fastify would otherwise strip unknown properties and turn numbers into strings silently.
    ajv: { customOptions: { allErrors: false, removeAdditional: false, coerceTypes: false } },
  });

  app.decorateReply('cspNonce', '');
  app.addHook('onSend', async (_request, reply, payload) => {
    const nonce = (reply as unknown as { cspNonce: string }).cspNonce || newNonce();
    reply.header('Content-Security-Policy', csp(nonce));
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cache-Control', 'no-store');
    reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
    reply.header('Cross-Origin-Resource-Policy', 'same-site');
    // Ignored inside the app's frame; keeps a card form opened on its own from sharing a window group.
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    if (https) {
      reply.header('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
      reply.header('Reporting-Endpoints', `csp="${reportUri}"`);
    }
    return payload;
  });

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError && error.status < 500) {
      return reply.status(error.status).send({ error: { code: error.code, message: error.message, ...error.details } });
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      const field = validationField(fastifyError);
      return reply
        .status(400)
        .send({ error: { code: 'invalid_request', message: `${field || 'body'} ${fastifyError.validation[0]?.message ?? 'is invalid'}`, field } });
    }
    const status = fastifyError.statusCode ?? 500;
    if (status < 500) return reply.status(status).send({ error: { code: 'bad_request', message: fastifyError.message } });
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send({ error: { code: 'internal', message: 'Internal error' } });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: 'route_not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` } });
  });

  app.get('/health', async () => ({ status: 'ok' }));

  app.post<{ Body: TokenBody }>('/tokens', { schema: { body: tokenBodySchema } }, async (request) => {
    const { sessionId, ...card } = request.body;
    return provider.issueToken(sessionId, card);
  });

  app.get<{ Params: { sessionId: string }; Querystring: { lang?: string } }>('/pay/:sessionId', async (request, reply) => {
    const { sessionId } = request.params;
    const session = provider.openSession(sessionId);
    // The page that frames the form names the fan's language; opened on its own, the session's is used.
    const lang = pickLanguage(request.query.lang, session?.locale);
    const nonce = newNonce();
    (reply as unknown as { cspNonce: string }).cspNonce = nonce;
    reply.type('text/html; charset=utf-8');
    if (!session) return reply.status(400).send(renderInvalidSessionPage(lang, nonce));
    return renderPaymentPage({ sessionId, session, appOrigin, lang, nonce });
  });

  app.get('/pay/assets/form.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(FORM_JS));
  app.get('/pay/assets/form.css', async (_request, reply) => reply.type('text/css; charset=utf-8').send(FORM_CSS));

  return app;
}
