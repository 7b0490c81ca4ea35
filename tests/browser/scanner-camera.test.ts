import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { encode } from 'uqr';
import { createShow } from '../helpers/fixtures.js';
import { buyThroughApi, signIn } from './flows.js';
import { browserSkipReason, launchBrowser, startServer, withPage, type LiveServer } from './harness.js';

const skip = browserSkipReason();
const [WIDTH, HEIGHT] = [640, 480];

/**
 * A camera's view of a ticket as Chromium's fake capture device reads it: a Y4M video (4:2:0),
 * the QR code of `text` black on white in the middle of every frame, with its quiet zone.
 */
export function qrVideo(text: string, frames = 3): Buffer {
  const qr = encode(text, { ecc: 'M', border: 0 });
  const quiet = 4;
  const module = Math.floor((Math.min(WIDTH, HEIGHT) - 40) / (qr.size + 2 * quiet));
  assert.ok(module >= 3, `a ${qr.size}-module code fits the frame`);
  const y = Buffer.alloc(WIDTH * HEIGHT, 235);
  const left = Math.floor((WIDTH - qr.size * module) / 2);
  const top = Math.floor((HEIGHT - qr.size * module) / 2);
  for (let row = 0; row < qr.size; row++)
    for (let col = 0; col < qr.size; col++) {
      if (!qr.data[row]![col]) continue;
      for (let dy = 0; dy < module; dy++)
        y.fill(16, (top + row * module + dy) * WIDTH + left + col * module, (top + row * module + dy) * WIDTH + left + (col + 1) * module);
    }
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma]);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`), ...Array.from({ length: frames }, () => frame)]);
}

describe('browser door scanner with a camera', { skip }, () => {
  let server: LiveServer;
  let browser: Browser | undefined;
  let dir: string;
  before(async () => {
    server = await startServer();
    dir = mkdtempSync(join(tmpdir(), 'taquilla-camera-'));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('browser: on a phone without BarcodeDetector the scanner reads a real ticket from the camera (jsQR) and checks it in', { timeout: 60_000 }, async () => {
    const show = await createShow(server.t.app, { rows: 1, perRow: 5 });
    // A title as long as real ones are, which used to push the door selector past a phone's edge.
    await server.t.ctx.db
      .updateTable('events')
      .set({ title: 'Orquesta Sinfónica de Puerto Rico: Gala de Año Nuevo con invitados especiales' })
      .where('id', '=', show.eventId)
      .execute();
    const {
      codes: [code],
    } = await buyThroughApi(server, show.performanceId, { categoryId: show.categories.Front, quantity: 1 });
    const video = join(dir, 'ticket.y4m');
    writeFileSync(video, qrVideo(code!));
    browser = await launchBrowser(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);

    await withPage(
      browser,
      async ({ page, context, problems }) => {
        // iPhones, Firefox and Chromium on Linux have no BarcodeDetector: make sure this one has none either.
        await context.addInitScript({ content: 'delete globalThis.BarcodeDetector;' });
        await context.grantPermissions(['camera'], { origin: server.baseUrl });
        await signIn(page, server, 'door', { performanceIds: [show.performanceId] });
        await page.waitForURL(/\/console\/scanner$/);
        assert.equal(await page.evaluate('"BarcodeDetector" in globalThis'), false);

        // The door selector stays within the page's column (it used to run 6 px past it, and past the
        // edge of a phone's screen with a long title), and nothing scrolls sideways.
        await page.getByTestId('scan-performance').selectOption(show.performanceId);
        const select = await page.getByTestId('scan-performance').boundingBox();
        const column = await page.getByTestId('scan-result').boundingBox();
        assert.ok(select && column, 'both are on screen');
        assert.ok(
          select.x >= column.x - 0.5 && select.x + select.width <= column.x + column.width + 0.5,
          `the door selector ${JSON.stringify(select)} fits the column ${JSON.stringify(column)}`,
        );
        assert.ok((await page.evaluate<number>('document.documentElement.scrollWidth')) <= 360, 'nothing scrolls sideways');

        await page.getByTestId('camera-toggle').click();
        await page.locator('[data-testid=camera][data-decoder=library]').waitFor();
        await page.locator('[data-testid=scan-result][data-result=admitted]').waitFor({ timeout: 20_000 });
        assert.match(await page.getByTestId('scan-result').innerText(), /camera/);
        const ticket = await server.t.ctx.db.selectFrom('tickets').select('checked_in_at').where('code', '=', code!).executeTakeFirstOrThrow();
        assert.ok(ticket.checked_in_at, 'the ticket is checked in');
        // The same code held in front of the lens is not scanned again.
        await page.waitForTimeout(2500);
        assert.equal(await page.locator('[data-testid=scan-history] li').count(), 1);
        assert.deepEqual(problems, []);
      },
      { viewport: { width: 360, height: 760 }, isMobile: true, hasTouch: true },
    );
  });
});
