import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeNotFound } from './error-handler.js';

/**
 * The pages' Content-Security-Policy: only our own scripts and styles (no inline code, no eval, no
 * third-party origins); the payment provider may only appear as a frame.
 */
export function pageCsp(paymentOrigin: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    `frame-src ${paymentOrigin}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    // Violations are posted here and stored (src/security/csp-reports.*); `report-to` needs https.
    'report-uri /api/security/csp-reports',
  ].join('; ');
}

function pageHeaders(reply: FastifyReply, csp: string): FastifyReply {
  return reply
    .header('content-security-policy', csp)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .header('permissions-policy', 'camera=(self), microphone=(), geolocation=(), payment=()')
    .header('cache-control', 'no-cache')
    .type('text/html; charset=utf-8');
}

/**
 * Serves the Vite build: hashed assets with a year's cache, the buyer pages for every other
 * non-API path (the router runs in the page), the operator console under /console, the waiting
 * room's light page under /queue (it must not pull in the buyer bundle). Each page
 * carries the build id in a meta tag so checkout can report which code it ran.
 */
export async function registerWeb(app: FastifyInstance, opts: { distDir: string; buildId: string; paymentOrigin: string }): Promise<void> {
  const csp = pageCsp(opts.paymentOrigin);
  const page = (name: string) => {
    const file = join(opts.distDir, name);
    if (!existsSync(file)) return `<!doctype html><title>Taquilla</title><p>The front end is not built yet: run <code>npm run build:web</code>.</p>`;
    return readFileSync(file, 'utf8').replace('</head>', `<meta name="taquilla-build" content="${opts.buildId}"></head>`);
  };
  const buyer = page('index.html');
  const console = page('console.html');
  const queue = page('queue.html');

  if (existsSync(join(opts.distDir, 'assets'))) {
    await app.register(fastifyStatic, {
      root: join(opts.distDir, 'assets'),
      prefix: '/assets/',
      immutable: true,
      preCompressed: true,
      maxAge: '365d',
      index: false,
      wildcard: true,
      setHeaders: (res) => {
        res.header('x-content-type-options', 'nosniff');
      },
    });
  }
  app.get('/console', { schema: { hide: true } }, (_req, reply) => pageHeaders(reply, csp).send(console));
  app.get('/console/*', { schema: { hide: true } }, (_req, reply) => pageHeaders(reply, csp).send(console));
  app.get('/queue/*', { schema: { hide: true } }, (_req, reply) => pageHeaders(reply, csp).send(queue));
  app.get('/', { schema: { hide: true } }, (_req, reply) => pageHeaders(reply, csp).send(buyer));
  for (const prefix of ['/events/*', '/orders/*', '/performances/*', '/checkout/*', '/account', '/account/*']) {
    app.get(prefix, { schema: { hide: true } }, (_req, reply) => pageHeaders(reply, csp).send(buyer));
  }
  // A person who mistypes a page address gets the buyer pages' own 404; programs get JSON.
  app.setNotFoundHandler((request, reply) => {
    const wantsPage = request.method === 'GET' && !request.url.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html');
    return wantsPage ? pageHeaders(reply, csp).status(404).send(buyer) : routeNotFound(request, reply);
  });
}
