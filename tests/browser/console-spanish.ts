/**
 * Reading a console page in Spanish: some expected Spanish words must show, `<html lang>` is `es`,
 * no English message of the catalogue is left in the page's text (those that differ from their
 * Spanish ones and have no {placeholders}), and axe-core finds nothing.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { en } from '../../web/src/console/i18n/en.js';
import { es } from '../../web/src/console/i18n/es.js';
import { expectAccessible } from './axe.js';

/** The page's globals used inside page.evaluate (the tests are type-checked without the DOM library). */
declare const document: {
  body: { innerText: string };
  documentElement: { lang: string };
  querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }>;
};

/** English messages that must not be seen on a Spanish page: longer than 3 characters, different in Spanish, no placeholders. */
const english = Object.entries(en)
  .filter(([key, text]) => text.length > 3 && text !== es[key as keyof typeof es] && !/\{\w+\}/.test(text))
  .map(([key, text]) => ({ key, text }));
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The catalogue's English messages found in the page. Data is not a message: the signed-in
 * person's name ("Test owner") and anything marked `data-user-content` (event titles, buyers'
 * names, reasons people typed) are taken out first.
 */
export async function englishLeft(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => {
    let body = document.body.innerText;
    // Longest first: a short piece of data ("payment") must not cut a longer one that contains it.
    const data = Array.from(document.querySelectorAll('[data-testid=who-name], [data-user-content]'), (node) => node.textContent ?? '');
    for (const piece of data.filter(Boolean).sort((a, b) => b.length - a.length)) body = body.split(piece).join('\u0000');
    return body;
  });
  // Whole words only ("Admin" is not in "Administrador"), in any case: CSS upper-cases the table headings.
  return english
    .filter(({ text: message }) => new RegExp(`(^|[^\\p{L}])${escapeRegExp(message)}($|[^\\p{L}])`, 'iu').test(text))
    .map(({ key, text }) => `${key}: ${text}`);
}

export async function expectSpanish(page: Page, state: string, words: string[]): Promise<void> {
  for (const word of words) {
    const seen = await page
      .waitForFunction((w) => document.body.innerText.toLowerCase().includes(w.toLowerCase()), word, { timeout: 10_000 })
      .then(
        () => true,
        () => false,
      );
    assert.ok(seen, `${state}: "${word}" not in ${await page.evaluate(() => document.body.innerText)}`);
  }
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'es', `${state}: <html lang>`);
  assert.deepEqual(await englishLeft(page), [], `${state}: English left in the page`);
  await expectAccessible(page, `${state} (Spanish)`);
}
