import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WidgetConfig } from '../../config.js';
import { PAGE_FILES, pageClassOf, type PageClass } from '../../security/page-classes.js';
import { ASSET_HEADERS, newNonce, pageCsp, pageHeaders } from '../../security/page-policy.js';
import { widgetFrameSources, withWidgetFrames } from '../../widgets/widget-frames.js';
import { routeNotFound } from './error-handler.js';

/** Written by Vite into every script, style and preload tag (web/vite.config.ts); replaced per response. */
export const NONCE_PLACEHOLDER = 'TAQUILLA_NONCE_PLACEHOLDER';

/** What a page shows of the widgets: those for its class right now, and their frames' HTML. */
export interface PageWidgets {
  shownOn(pageClass: PageClass): readonly WidgetConfig[];
  frameHtml(widgets: readonly WidgetConfig[]): string;
}

const escapeAttribute = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Serves the Vite build: hashed assets with a year's cache, the buyer pages for every other
 * non-API path (the router runs in the page), the operator console under /console, the waiting
 * room's light page under /queue (it must not pull in the buyer bundle).
 *
 * Every page is answered for its page class (src/security/page-classes.ts): a fresh nonce in the
 * CSP and in every tag, the class's headers, meta tags naming the build (checkout reports which
 * code it ran) and the class, and the widget frames the class may show.
 */
export async function registerWeb(
  app: FastifyInstance,
  opts: { distDir: string; buildId: string; baseUrl: string; paymentOrigin: string; widgets?: PageWidgets },
): Promise<void> {
  const templates = new Map<string, string[]>();
  const template = (file: string): string[] => {
    let parts = templates.get(file);
    if (!parts) {
      const path = join(opts.distDir, file);
      const html = existsSync(path)
        ? readFileSync(path, 'utf8')
        : `<!doctype html><title>Taquilla</title><p>The front end is not built yet: run <code>npm run build:web</code>.</p>`;
      // Split once at start; each response joins the parts around its own nonce.
      parts = html.replace('</head>', `<meta name="taquilla-build" content="${escapeAttribute(opts.buildId)}"></head>`).split(NONCE_PLACEHOLDER);
      templates.set(file, parts);
    }
    return parts;
  };
  for (const file of new Set(Object.values(PAGE_FILES))) template(file);

  const policy = { baseUrl: opts.baseUrl, paymentOrigin: opts.paymentOrigin };
  const sendPage = (request: FastifyRequest, reply: FastifyReply, status = 200) => {
    const pageClass = pageClassOf(request.url);
    const widgets = opts.widgets?.shownOn(pageClass) ?? [];
    const nonce = newNonce();
    let html = template(PAGE_FILES[pageClass]).join(nonce);
    html = html.replace('</head>', `<meta name="taquilla-page-class" content="${pageClass}"></head>`);
    if (widgets.length) html = withWidgetFrames(html, opts.widgets!.frameHtml(widgets));
    reply.headers(pageHeaders(pageClass, { ...policy, widgetOrigins: [] }));
    return reply
      .header('content-security-policy', pageCsp(pageClass, nonce, { ...policy, widgetOrigins: widgetFrameSources(widgets) }))
      .type('text/html; charset=utf-8')
      .status(status)
      .send(html);
  };

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
        for (const [name, value] of Object.entries(ASSET_HEADERS)) res.header(name, value);
      },
    });
  }
  const page = (request: FastifyRequest, reply: FastifyReply) => sendPage(request, reply);
  for (const path of ['/', '/console', '/console/*', '/queue/*', '/events/*', '/orders/*', '/performances/*', '/checkout/*', '/account', '/account/*']) {
    app.get(path, { schema: { hide: true } }, page);
  }
  // A person who mistypes a page address gets the buyer pages' own 404; programs get JSON.
  app.setNotFoundHandler((request, reply) => {
    const wantsPage = request.method === 'GET' && !request.url.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html');
    return wantsPage ? sendPage(request, reply, 404) : routeNotFound(request, reply);
  });
}
